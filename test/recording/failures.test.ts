import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transcriptsOf } from '../../activities/recording/transcripts';
import { exportMedia } from '../../src/recording/access';
import { rotateKeys } from '../../src/recording/rotate';
import { parseKeyRing } from '../../src/storage/crypto';
import { failoverChain } from '../../src/transcription/failover';
import {
  recordingSnapshotQuery,
  type RecordingSnapshot,
} from '../../workflows/recording/definitions';
import { recordingWorkflowId } from '../../workflows/shared/ids';
import { ACCOUNT_SID } from '../helpers/env';
import { FakeRecogniser, MediaProxy, brokenProvider, postSigned } from './fakes';
import { auditActions, pause, sha256File, waitForRow } from './helpers';
import { newKey, RecordingStack } from './stack';

const recogniser = new FakeRecogniser();
const proxy = new MediaProxy();
let stack: RecordingStack;
const k1 = newKey('k1');

beforeAll(async () => {
  stack = await RecordingStack.start({
    env: { RECORDING_ENCRYPTION_KEYS: k1, RECORDING_ENCRYPTION_KEY_ID: 'k1' },
    // The first provider is down: every transcript here comes through failover.
    transcriber: failoverChain([brokenProvider, recogniser], {
      retries: 1,
      retryDelayMs: 10,
      timeoutMs: 10_000,
    }),
    mediaBaseUrl: (simUrl) => proxy.start(simUrl),
  });
});
afterEach(() => stack.sim.setFaults({}));
afterAll(async () => {
  await stack?.stop();
  await proxy.stop();
});

async function voicemail(record: { text?: string; silent?: boolean }): Promise<string> {
  stack.sim.setParty('+15005550101', { answer: 'no-answer' });
  const run = await stack.sim.placeInboundCall({
    to: '+15005550006',
    from: '+14155550100',
    voiceUrl: `${stack.config.PUBLIC_BASE_URL}/voice/inbound`,
    statusCallback: `${stack.config.PUBLIC_BASE_URL}/voice/status`,
    statusCallbackEvents: ['completed'],
    script: { gathers: [{ digits: '1' }], records: [{ ...record, durationSec: 3 }] },
  });
  expect(run.errors).toEqual([]);
  return (
    run.transcript.of('recording')[0]?.recordingSid ??
    stack.sim.core.store.recordings.keys().next().value!
  );
}

const snapshot = (sid: string): Promise<RecordingSnapshot> =>
  stack.client.workflow.getHandle(recordingWorkflowId(sid)).query(recordingSnapshotQuery);

const retained = (sid: string) =>
  waitForRow(stack.db, sid, (r) => r.retainUntil !== null && r.twilioDeletedAt !== null);

describe('recording pipeline failures', () => {
  it('an absent recording (silence, 16102) is kept as absent, nothing fetched', async () => {
    const before = proxy.mediaRequests;
    stack.sim.setParty('+15005550101', { answer: 'no-answer' });
    const run = await stack.sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${stack.config.PUBLIC_BASE_URL}/voice/inbound`,
      script: { gathers: [{ digits: '1' }], records: [{ silent: true }] },
    });
    await stack.sim.idle();
    const [rec] = [...stack.sim.core.store.recordings.values()].filter(
      (r) => r.callSid === run.callSid,
    );
    const row = await waitForRow(stack.db, rec!.sid, (r) => r.status === 'absent');
    expect(row.storedAt).toBeNull();
    const result = await stack.client.workflow.getHandle(recordingWorkflowId(rec!.sid)).result();
    expect(result).toMatchObject({ phase: 'absent', status: 'absent' });
    expect(proxy.mediaRequests).toBe(before);
  });

  it('a failed recording, its callback sent twice, is kept as failed with its error code', async () => {
    const sid = 'RE' + 'f'.repeat(32);
    const params = {
      AccountSid: ACCOUNT_SID,
      CallSid: 'CA' + 'e'.repeat(32),
      RecordingSid: sid,
      RecordingUrl: `${stack.config.TWILIO_API_BASE_URL}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid}`,
      RecordingStatus: 'failed',
      RecordingDuration: '0',
      RecordingChannels: '1',
      RecordingSource: 'StartCallRecordingAPI',
      ErrorCode: '16104',
    };
    for (let i = 0; i < 2; i++) {
      const res = await postSigned(
        stack.app,
        stack.config.PUBLIC_BASE_URL,
        '/voice/recording',
        params,
      );
      expect(res.statusCode).toBe(204);
    }
    const row = await waitForRow(stack.db, sid, (r) => r.status === 'failed');
    expect(row).toMatchObject({ source: 'call', storedAt: null });
    const result = await stack.client.workflow.getHandle(recordingWorkflowId(sid)).result();
    expect(result).toMatchObject({ phase: 'failed', callbacksSeen: 1 });
  });

  it('refuses an unsigned callback and one for another account', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/voice/recording',
      payload: 'RecordingSid=RE' + '1'.repeat(32),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(403);
    const other = await postSigned(stack.app, stack.config.PUBLIC_BASE_URL, '/voice/recording', {
      AccountSid: 'AC' + 'b'.repeat(32),
      RecordingSid: 'RE' + '1'.repeat(32),
      RecordingStatus: 'completed',
    });
    expect(other.statusCode).toBe(400);
  });

  it('duplicated and out-of-order callbacks: one pipeline run; a provider down fails over', async () => {
    stack.sim.setFaults({ callbacks: { duplicate: 1, kinds: ['recording'] } });
    const sid = await voicemail({ text: 'call me back' });
    const row = await retained(sid);
    // A late in-progress after completed changes nothing.
    const late = await postSigned(stack.app, stack.config.PUBLIC_BASE_URL, '/voice/recording', {
      AccountSid: ACCOUNT_SID,
      CallSid: row.callSid!,
      RecordingSid: sid,
      RecordingStatus: 'in-progress',
      RecordingSource: 'RecordVerb',
    });
    expect(late.statusCode).toBe(204);
    for (let i = 0; i < 50 && (await snapshot(sid)).callbacksSeen < 2; i++) await pause(100);
    expect(await snapshot(sid)).toMatchObject({
      phase: 'retained',
      status: 'completed',
      callbacksSeen: 2,
    });
    expect(
      (await auditActions(stack.db, sid)).filter((a) => a === 'recording.twilio-copy-deleted'),
    ).toHaveLength(1);
    const [t] = await transcriptsOf(stack.db, sid);
    expect(t).toMatchObject({ provider: 'fake-ok', redactions: { card: 1 } });
    expect(t!.text).not.toContain('4111');
  });

  it("Twilio's own transcription is redacted on arrival and kept as provider twilio", async () => {
    const sid = await voicemail({ text: 'twilio transcribes this' });
    const row = await retained(sid);
    const params = {
      AccountSid: ACCOUNT_SID,
      CallSid: row.callSid!,
      RecordingSid: sid,
      TranscriptionSid: 'TR' + 'c'.repeat(32),
      TranscriptionStatus: 'completed',
      TranscriptionText: 'my card is 4111 1111 1111 1111 and my social is 078-05-1120',
    };
    for (let i = 0; i < 2; i++) {
      const res = await postSigned(
        stack.app,
        stack.config.PUBLIC_BASE_URL,
        '/voice/recording/transcription',
        params,
      );
      expect(res.statusCode).toBe(204);
    }
    let twilioText: { text: string; redactions: Record<string, number> } | undefined;
    for (let i = 0; i < 100 && !twilioText; i++) {
      twilioText = (await transcriptsOf(stack.db, sid)).find((t) => t.provider === 'twilio');
      if (!twilioText) await pause(100);
    }
    expect(twilioText?.redactions).toEqual({ card: 1, ssn: 1 });
    expect(twilioText?.text).not.toMatch(/4111|1120/);
    const { rows } = await stack.db.query<{ payload: unknown }>(
      `SELECT payload FROM callback_inbox WHERE workflow_id = $1`,
      [recordingWorkflowId(sid)],
    );
    expect(JSON.stringify(rows)).not.toMatch(/4111/);
  });

  it('a download cut mid-stream is retried and stores the whole recording', async () => {
    const before = proxy.mediaRequests;
    proxy.breakNext = true;
    const sid = await voicemail({ text: 'this download breaks once' });
    const row = await retained(sid);
    expect(proxy.mediaRequests - before).toBeGreaterThanOrEqual(2);
    expect(row.mediaSha256).toBe(proxy.served.get(sid));
    const out = `${stack.config.RECORDING_LOCAL_DIR}/../${sid}.wav`;
    await exportMedia(stack, sid, 'test', out);
    expect(await sha256File(out)).toBe(proxy.served.get(sid));
  });

  it('the worker killed mid-pipeline: the pipeline resumes on a new worker, once', async () => {
    recogniser.hangNext = true;
    recogniser.hung = false;
    const sid = await voicemail({ text: 'worker dies while this is transcribed' });
    for (let i = 0; i < 300 && !recogniser.hung; i++) await pause(100);
    expect(recogniser.hung).toBe(true);
    await stack.stopWorkers();
    expect((await waitForRow(stack.db, sid, () => true)).twilioDeletedAt).toBeNull();
    await stack.startWorkers();
    const row = await retained(sid);
    expect(row.verifiedAt).not.toBeNull();
    expect(await transcriptsOf(stack.db, sid)).toHaveLength(1);
    expect(
      (await auditActions(stack.db, sid)).filter((a) => a === 'recording.twilio-copy-deleted'),
    ).toHaveLength(1);
  });

  it('a key rotation re-encrypts stored recordings under the new key', async () => {
    const sid = await voicemail({ text: 'rotate my key please' });
    const before = await retained(sid);
    expect(before.keyId).toBe('k1');
    const keys = parseKeyRing(`${k1},${newKey('k2')}`, 'k2');
    const result = await rotateKeys({ db: stack.db, storage: stack.storage, keys }, 'test');
    expect(result.failed).toEqual([]);
    expect(result.rotated).toContain(sid);
    const after = await waitForRow(stack.db, sid, () => true);
    expect(after).toMatchObject({ keyId: 'k2', mediaSha256: before.mediaSha256 });
    expect(after.objectKey).not.toBe(before.objectKey);
    expect(await stack.storage.head(before.objectKey!)).toBeUndefined();
    expect((await stack.storage.head(after.objectKey!))?.keyId).toBe('k2');
    const out = `${stack.config.RECORDING_LOCAL_DIR}/../${sid}-rotated.wav`;
    await exportMedia({ db: stack.db, storage: stack.storage, keys }, sid, 'test', out);
    expect(await sha256File(out)).toBe(before.mediaSha256);
    // Nothing left under the old key: a second rotation has nothing to do.
    expect(
      (await rotateKeys({ db: stack.db, storage: stack.storage, keys }, 'test')).rotated,
    ).toEqual([]);
  });
});
