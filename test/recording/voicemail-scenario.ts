import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transcriptsOf } from '../../activities/recording/transcripts';
import {
  exportMedia,
  holdRecording,
  readTranscripts,
  releaseRecording,
  setRetentionPolicy,
} from '../../src/recording/access';
import type { recordingWorkflow } from '../../workflows/recording/workflow';
import { recordingWorkflowId } from '../../workflows/shared/ids';
import { auditActions, sha256, waitForRow } from './helpers';
import { RecordingStack } from './stack';

const exec = promisify(execFile);

const SALES = '+15005550101';
// Spoken as a caller would, digits as words; flite's rms voice at 16 kHz is what pocketsphinx
// recognises best of the Debian voices.
const SPEECH =
  'hello this is ada please call me back my card number is four one one one one one one one one one one one one one one one thank you';

/** The voicemail's audio: flite speech, 16 kHz mono 16-bit, as the simulator's recording. */
async function speechWav(dir: string): Promise<string> {
  const raw = path.join(dir, 'flite.wav');
  const out = path.join(dir, 'voicemail.wav');
  await exec('flite', ['-voice', 'rms', '-t', SPEECH, '-o', raw]);
  await exec('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', out]);
  return out;
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Places the voicemail call with the relay paused, so the original media can be kept first. */
async function leaveVoicemail(
  stack: RecordingStack,
  audioFile: string,
): Promise<{ recordingSid: string; callSid: string; original: Buffer }> {
  stack.sim.setParty(SALES, { answer: 'no-answer' });
  await stack.pauseRelay();
  const run = await stack.sim.placeInboundCall({
    to: '+15005550006',
    from: '+14155550100',
    voiceUrl: `${stack.config.PUBLIC_BASE_URL}/voice/inbound`,
    statusCallback: `${stack.config.PUBLIC_BASE_URL}/voice/status`,
    statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
    script: { gathers: [{ digits: '1' }], records: [{ text: SPEECH, audioFile }] },
  });
  await stack.sim.idle();
  expect(run.errors).toEqual([]);
  const recordingSid = run.transcript.of('recording')[0]!.recordingSid;
  const media = stack.sim.core.store.recordings.get(recordingSid)?.media;
  expect(media).toBeDefined();
  stack.startRelay();
  return { recordingSid, callSid: run.callSid, original: Buffer.from(media!) };
}

export function voicemailScenario(name: string, env: () => Record<string, string>): void {
  describe(`a voicemail through the recording pipeline (${name})`, () => {
    let stack: RecordingStack;
    let audioFile: string;

    beforeAll(async () => {
      audioFile = await speechWav(await mkdtemp(path.join(os.tmpdir(), 'switchboard-speech-')));
      stack = await RecordingStack.start({ env: env() });
      await stack.db.query(
        `UPDATE recording_retention_policies SET retain_seconds = 86400 WHERE source = 'voicemail'`,
      );
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('is stored encrypted, transcribed with the card redacted, Twilio copy deleted, held, then purged', async () => {
      const { recordingSid, callSid, original } = await leaveVoicemail(stack, audioFile);
      const row = await waitForRow(stack.db, recordingSid, (r) => r.retainUntil !== null, 120_000);
      expect(row).toMatchObject({ callSid, source: 'voicemail', storage: stack.storage.kind });
      expect(row.verifiedAt).not.toBeNull();
      expect(row.twilioDeletedAt).not.toBeNull();
      expect(row.keyId).toBe('k1');
      expect(row.mediaBytes).toBe(original.length);
      expect(row.mediaSha256).toBe(sha256(original));
      // Twilio's copy is gone.
      expect(stack.sim.core.store.recordings.has(recordingSid)).toBe(false);

      // The stored object is not a readable WAV, and decrypts to the original bytes.
      const stored = await streamToBuffer(await stack.storage.get(row.objectKey!));
      expect(stored.subarray(0, 4).toString('latin1')).not.toBe('RIFF');
      expect(stored.includes(original.subarray(44, 1044))).toBe(false);
      const out = path.join(stack.config.RECORDING_LOCAL_DIR, '..', 'out.wav');
      await exportMedia(stack, recordingSid, 'test-operator', out);
      expect((await readFile(out)).equals(original)).toBe(true);

      // The transcript: recognisable words, the card number redacted.
      const [transcript] = await transcriptsOf(stack.db, recordingSid);
      expect(transcript?.provider).toBe('pocketsphinx');
      expect(transcript!.text.toLowerCase()).toMatch(/\b(call|back|card|number|hello)\b/);
      expect(transcript!.text).not.toMatch(/(\d[\s-]*){12}/);
      expect(transcript!.redactions.card ?? 0).toBeGreaterThanOrEqual(1);
      await readTranscripts(stack.db, recordingSid, 'test-operator');

      // A legal hold stops a purge that is due; releasing it lets the purge run.
      await holdRecording(stack.client, recordingSid, { actor: 'legal', reason: 'case 42' });
      await setRetentionPolicy(stack, 'voicemail', 1, 'test-operator');
      await new Promise((r) => setTimeout(r, 3000));
      const held = await waitForRow(stack.db, recordingSid, (r) => r.onHold);
      expect(held.purgedAt).toBeNull();
      expect((await stack.storage.head(row.objectKey!))?.keyId).toBe('k1');
      await releaseRecording(stack.client, recordingSid, { actor: 'legal' });
      const purged = await waitForRow(stack.db, recordingSid, (r) => r.purgedAt !== null);
      expect(purged.objectKey).toBeNull();
      expect(await stack.storage.head(row.objectKey!)).toBeUndefined();
      expect(await transcriptsOf(stack.db, recordingSid)).toEqual([]);
      const handle = stack.client.workflow.getHandle<typeof recordingWorkflow>(
        recordingWorkflowId(recordingSid),
      );
      expect((await handle.result()).phase).toBe('purged');
      expect(await auditActions(stack.db, recordingSid)).toEqual([
        'recording.twilio-copy-deleted',
        'recording.media-read',
        'recording.transcript-read',
        'recording.hold',
        'recording.release',
        'recording.purged',
      ]);
    });
  });
}
