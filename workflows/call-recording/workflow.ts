import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createCallActivities } from '../../activities/call/call-log';
import type { RecordingSummary } from '../../activities/twilio';
import { twilioActivities } from '../shared/twilio-rest';

export type CallRecordingAction = 'start' | 'pause' | 'resume' | 'stop';

export interface CallRecordingControlInput {
  callSid: string;
  action: CallRecordingAction;
  /** Default: Twilio.CURRENT, the call's active recording. Ignored by `start`. */
  recordingSid?: string;
  /** Recording status callback for `start` (the pipeline's POST /voice/recording). */
  statusCallback?: string;
  /** Who asked (the CLI's user), kept in the call log. */
  requestedBy: string;
  twilioTaskQueue?: string;
}

const callLog = proxyActivities<ReturnType<typeof createCallActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    maximumInterval: '10 seconds',
    maximumAttempts: 20,
  },
});

const STATUS = { pause: 'paused', resume: 'in-progress', stop: 'stopped' } as const;

/**
 * Starts, pauses, resumes or stops a live call's recording through the Twilio REST activities,
 * then writes what happened into the call's log (`recording.<action>`), keyed by this workflow so
 * a retried write lands once. Pausing uses PauseBehavior=skip: what the caller says while paused
 * (card or account digits) is left out of the recording, not replaced by silence.
 */
export async function callRecordingControlWorkflow(
  input: CallRecordingControlInput,
): Promise<RecordingSummary> {
  const twilio = twilioActivities(input.twilioTaskQueue);
  const rec =
    input.action === 'start'
      ? await twilio.startCallRecording({
          callSid: input.callSid,
          channels: 'dual',
          ...(input.statusCallback
            ? {
                statusCallback: input.statusCallback,
                statusCallbackEvents: ['in-progress', 'completed', 'absent'],
              }
            : {}),
        })
      : await twilio.updateCallRecording({
          callSid: input.callSid,
          ...(input.recordingSid ? { recordingSid: input.recordingSid } : {}),
          status: STATUS[input.action],
          ...(input.action === 'pause' ? { pauseBehavior: 'skip' as const } : {}),
        });
  await callLog.writeCallLog({
    callSid: input.callSid,
    events: [
      {
        eventKey: `${input.callSid}:recording:${workflowInfo().workflowId}`,
        kind: `recording.${input.action}`,
        detail: {
          recordingSid: rec.sid,
          status: rec.status,
          requestedBy: input.requestedBy,
          ...(input.action === 'pause' ? { pauseBehavior: 'skip' } : {}),
        },
        occurredAt: new Date().toISOString(),
      },
    ],
    consents: [],
  });
  return rec;
}
