import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { RecordingActivities } from '../../activities/recording';
import type { RecordingSummary } from '../../activities/twilio/recordings';
import { recordingStartOptions } from '../../src/temporal/recording-start';
import {
  legalHoldUpdate,
  recordingEntriesSignal,
  releaseHoldUpdate,
  type RecordingEntry,
} from '../../workflows/recording/definitions';
import { RecordingFailureType } from '../../workflows/recording/failures';
import type { recordingWorkflow } from '../../workflows/recording/workflow';
import { RECORDING_WORKFLOW_TYPE } from '../../workflows/shared/ids';
import { ACCOUNT_SID, workflowBundle } from './env';

export const randomRecordingSid = (): string => `RE${randomBytes(16).toString('hex')}`;

/** What the fake activities were asked to do, in order. */
export type Calls = string[];

/**
 * The recording workflow's activities as fakes: each records its name, storage "verifies" on the
 * second try when `badFirstCopy` is set, and retention is `retainMs` from now.
 */
export function fakeRecordingActivities(
  calls: Calls,
  opts: { retainMs?: number; badFirstCopy?: boolean } = {},
) {
  let verifies = 0;
  const note = (name: string) => () => {
    calls.push(name);
    return Promise.resolve();
  };
  const main: Partial<RecordingActivities> = {
    saveRecordingStatus: note('saveRecordingStatus'),
    storeRecordingMedia: () => {
      calls.push('storeRecordingMedia');
      return Promise.resolve({ objectKey: 'k', mediaBytes: 1, storedAt: new Date().toISOString() });
    },
    transcribeRecording: () => {
      calls.push('transcribeRecording');
      return Promise.resolve({ provider: 'fake', words: 3, redactions: { card: 1 } });
    },
    saveTwilioTranscription: note('saveTwilioTranscription'),
    verifyStoredRecording: () => {
      calls.push('verifyStoredRecording');
      if (opts.badFirstCopy && verifies++ === 0) {
        throw ApplicationFailure.nonRetryable('mismatch', RecordingFailureType.verifyFailed);
      }
      return Promise.resolve();
    },
    markTwilioCopyDeleted: note('markTwilioCopyDeleted'),
    applyRetention: () => {
      calls.push('applyRetention');
      const until = new Date(Date.now() + (opts.retainMs ?? 500)).toISOString();
      return Promise.resolve({ retainUntil: until, onHold: false });
    },
    setLegalHold: note('setLegalHold'),
    purgeRecording: note('purgeRecording'),
  };
  const twilio = {
    fetchRecording: (sid: string): Promise<RecordingSummary> => {
      calls.push('fetchRecording');
      return Promise.resolve({
        sid,
        callSid: null,
        conferenceSid: null,
        status: 'completed',
        durationSec: 4,
        channels: 1,
        source: 'RecordVerb',
        dateCreated: null,
        startTime: null,
      });
    },
    deleteRecording: () => {
      calls.push('deleteRecording');
      return Promise.resolve(true);
    },
  };
  return { main, twilio };
}

/** Workers for the main and Twilio queues over fake activities, for workflow tests and fixtures. */
export async function startFakeRecordingWorkers(
  taskQueue: string,
  activities: ReturnType<typeof fakeRecordingActivities>,
): Promise<{ twilioTaskQueue: string; stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({
    address: inject('temporalAddress'),
  });
  const twilioTaskQueue = `${taskQueue}-twilio`;
  const main = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: activities.main,
  });
  const twilio = await Worker.create({
    connection,
    taskQueue: twilioTaskQueue,
    activities: activities.twilio,
  });
  const running = [main.run(), twilio.run()];
  return {
    twilioTaskQueue,
    async stop() {
      main.shutdown();
      twilio.shutdown();
      await Promise.all(running);
      await connection.close();
    },
  };
}

const callback = (sid: string, status: 'in-progress' | 'completed' | 'absent'): RecordingEntry => ({
  kind: 'status',
  callback: {
    eventKey: `${sid}:${status}`,
    status,
    callSid: 'CA' + '1'.repeat(32),
    twilioSource: 'RecordVerb',
    ...(status === 'absent' ? { errorCode: 16102 } : {}),
  },
});

export async function startRecording(
  client: Client,
  taskQueue: string,
  twilioTaskQueue: string,
  entries: (sid: string) => RecordingEntry[],
): Promise<WorkflowHandle<typeof recordingWorkflow>> {
  const sid = randomRecordingSid();
  return client.workflow.signalWithStart<typeof recordingWorkflow, [RecordingEntry[]]>(
    RECORDING_WORKFLOW_TYPE,
    {
      ...recordingStartOptions(
        {
          recordingSid: sid,
          accountSid: ACCOUNT_SID,
          callSid: 'CA' + '1'.repeat(32),
          twilioTaskQueue,
        },
        taskQueue,
      ),
      signal: recordingEntriesSignal,
      signalArgs: [entries(sid)],
    },
  );
}

/** The scenarios recorded as replay fixtures (and run as workflow tests). */
export const recordingScenarios = {
  'completed-purged': (client: Client, q: string, tq: string) =>
    startRecording(client, q, tq, (sid) => [
      callback(sid, 'in-progress'),
      callback(sid, 'completed'),
    ]),
  absent: (client: Client, q: string, tq: string) =>
    startRecording(client, q, tq, (sid) => [callback(sid, 'absent')]),
  'hold-release-purged': async (client: Client, q: string, tq: string) => {
    const handle = await startRecording(client, q, tq, (sid) => [callback(sid, 'completed')]);
    await handle.executeUpdate(legalHoldUpdate, { args: [{ actor: 'legal', reason: 'case 7' }] });
    await new Promise((r) => setTimeout(r, 1500));
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ actor: 'legal' }] });
    return handle;
  },
};
