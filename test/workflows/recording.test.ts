import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeNowUpdate, recordingSnapshotQuery } from '../../workflows/recording/definitions';
import { temporalClient, testConfig } from '../helpers/env';
import {
  fakeRecordingActivities,
  recordingScenarios,
  startFakeRecordingWorkers,
  startRecording,
  type Calls,
} from '../helpers/recording-driver';
import type { Client } from '@temporalio/client';

let client: Client;
beforeAll(async () => {
  client = await temporalClient();
});
afterAll(async () => {
  await client?.connection.close();
});

async function withWorkers<T>(
  opts: Parameters<typeof fakeRecordingActivities>[1],
  fn: (q: string, tq: string, calls: Calls) => Promise<T>,
): Promise<T> {
  const calls: Calls = [];
  const q = testConfig().TEMPORAL_TASK_QUEUE;
  const workers = await startFakeRecordingWorkers(q, fakeRecordingActivities(calls, opts));
  try {
    return await fn(q, workers.twilioTaskQueue, calls);
  } finally {
    await workers.stop();
  }
}

/** The validator's message of a refused update. */
async function refusal(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (err) {
    return ((err as { cause?: Error }).cause ?? (err as Error)).message;
  }
  throw new Error('the update was accepted');
}

describe('recording workflow (fake activities)', () => {
  it('runs the pipeline in order and purges when retention ends', async () => {
    await withWorkers({}, async (q, tq, calls) => {
      const handle = await recordingScenarios['completed-purged'](client, q, tq);
      expect(await handle.result()).toMatchObject({ phase: 'purged', status: 'completed' });
      expect(calls).toEqual([
        'fetchRecording',
        'saveRecordingStatus',
        'storeRecordingMedia',
        'transcribeRecording',
        'verifyStoredRecording',
        'deleteRecording',
        'markTwilioCopyDeleted',
        'applyRetention',
        'purgeRecording',
      ]);
    });
  });

  it("stores again when the stored copy does not verify, and deletes Twilio's copy only after", async () => {
    await withWorkers({ badFirstCopy: true }, async (q, tq, calls) => {
      await (await recordingScenarios['completed-purged'](client, q, tq)).result();
      const from = calls.indexOf('storeRecordingMedia');
      expect(calls.slice(from, from + 5)).toEqual([
        'storeRecordingMedia',
        'transcribeRecording',
        'verifyStoredRecording',
        'storeRecordingMedia',
        'verifyStoredRecording',
      ]);
      expect(calls.indexOf('deleteRecording')).toBeGreaterThan(
        calls.lastIndexOf('verifyStoredRecording'),
      );
    });
  });

  it('an absent recording fetches nothing', async () => {
    await withWorkers({}, async (q, tq, calls) => {
      const handle = await recordingScenarios.absent(client, q, tq);
      expect(await handle.result()).toMatchObject({ phase: 'absent' });
      expect(calls).toEqual(['saveRecordingStatus']);
    });
  });

  it('a hold blocks a due purge until released; purge-now is refused on hold', async () => {
    await withWorkers({ retainMs: 200 }, async (q, tq, calls) => {
      const handle = await startRecording(client, q, tq, (sid) => [
        { kind: 'status', callback: { eventKey: `${sid}:completed`, status: 'completed' } },
      ]);
      await handle.executeUpdate('recordingLegalHold', { args: [{ actor: 'legal' }] });
      for (
        let i = 0;
        i < 50 && (await handle.query(recordingSnapshotQuery)).phase !== 'retained';
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 800));
      expect(calls).not.toContain('purgeRecording');
      expect(
        await refusal(handle.executeUpdate(purgeNowUpdate, { args: [{ actor: 'ops' }] })),
      ).toMatch(/legal hold/);
      expect(
        await refusal(
          handle.executeUpdate('recordingLegalHold', { args: [{ actor: 'bad actor!' }] }),
        ),
      ).toMatch(/actor/);
      await handle.executeUpdate('recordingReleaseHold', { args: [{ actor: 'legal' }] });
      expect(await handle.result()).toMatchObject({ phase: 'purged', onHold: false });
      expect(calls.filter((c) => c === 'setLegalHold')).toHaveLength(2);
    });
  });
});
