import {
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createCallActivities } from '../../activities/call/call-log';
import {
  callJournalSignal,
  callSnapshotQuery,
  callStatusSignal,
  callWebhookUpdate,
  type CallInput,
  type CallSnapshot,
  type WebhookRequest,
} from './definitions';
import { revisionOf } from './revisions';
import { CallState } from './state';
import { checkWebhookRequest } from './webhook-request';
import { controlRecording } from './recording-control';

type CallActivities = ReturnType<typeof createCallActivities>;
const remote = proxyActivities<CallActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});
/**
 * A call-log write is a few idempotent upserts: as a local activity it runs inside the workflow
 * task that produced it, without the activity task round trips through the server. The short
 * timeout and retry threshold keep a slow database from holding that task (and an update's answer)
 * for long: past them the retries wait on server timers instead.
 */
const local = proxyLocalActivities<CallActivities>({
  startToCloseTimeout: '2 seconds',
  localRetryThreshold: '1 second',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

export { LOCAL_CALL_LOG_PATCH } from './revisions';

/** Twilio ends every call after 4 hours; a call workflow never waits longer than this for it. */
const MAX_CALL_MS = 5 * 60 * 60 * 1000;

/**
 * One inbound call: answers its webhooks (updates), takes its status callbacks and journaled steps
 * (signals), writes the call log, and closes once Twilio's final status is in. State and its
 * operations live in CallState; what differs between revisions is described in revisions.ts.
 */
export async function callWorkflow(input: CallInput): Promise<CallSnapshot> {
  const revision = revisionOf(input);
  const call = new CallState(input, revision);

  setHandler(
    callWebhookUpdate,
    (request: WebhookRequest) => call.answerWebhook(request, new Date()),
    { validator: checkWebhookRequest },
  );
  setHandler(callStatusSignal, (event) => call.onStatus(event));
  setHandler(callJournalSignal, (entries) => call.onJournal(entries));
  call.onJournal(input.journal ?? []);
  setHandler(callSnapshotQuery, () => call.snapshot());

  call.describe();
  call.startLog(new Date(workflowInfo().startTime).toISOString());

  // Whatever piled up while the last write ran goes out in one activity: one round trip per batch.
  // Until the call closes, only what may be written in this task goes; at the close, everything.
  const drain = async (closing = false): Promise<void> => {
    call.flushAttributes();
    while (closing ? call.hasWrites : call.hasWritable) {
      const { batch, uncommitted } = call.takeBatch(closing);
      await (revision.callLog === 'remote' || uncommitted ? remote : local).writeCallLog(batch);
      call.flushAttributes();
    }
  };

  // A condition is checked once the activation's jobs have run: by then the update or signal that
  // started the call has been handled, and the call row goes out with its first events.
  if (revision.firstWriteWithStart) await condition(() => true);
  await drain();
  await untilFinalStatus(call, revision, input.lingerSeconds, drain);
  // Late or reordered callbacks still arrive for a while after the call ends. Revision 1 listened
  // for them; from revision 2 the callback inbox logs a status that finds the workflow closed, so
  // a call closes as soon as its IVR has ended (no timer, no further workflow task). An IVR that
  // has not ended may still get its last request (a recording's action comes after the hang-up).
  const lingerMs = (input.lingerSeconds ?? 60) * 1000;
  const settled = (): boolean => revision.closeWhenIvrEnds && call.ivrEnded;
  const lingerUntil = Date.now() + lingerMs;
  while (!settled() && Date.now() < lingerUntil) {
    if (!(await condition(() => call.hasWritable || settled(), lingerUntil - Date.now()))) break;
    await drain();
  }
  call.adoptWaiting();
  await drain(true);
  await condition(allHandlersFinished);
  call.flushAttributes();
  return call.snapshot();
}

/**
 * Waits for Twilio's final status, writing as events come. A number without a status callback
 * never sends one, so once the IVR has hung up (or Twilio's 4-hour call limit has passed) the
 * workflow closes the call itself.
 */
async function untilFinalStatus(
  call: CallState,
  revision: ReturnType<typeof revisionOf>,
  lingerSeconds: number | undefined,
  drain: () => Promise<void>,
): Promise<void> {
  const lingerMs = (lingerSeconds ?? 60) * 1000;
  const callDeadline = Date.now() + MAX_CALL_MS;
  let callLimitTimer: Promise<void> | undefined;
  let callLimitPassed = false;
  while (!call.hasFinalStatus) {
    const ended = call.ivrEnded;
    // hasRecordingControl is false for every IVR without `pauseRecording`: old histories replay.
    const wake = (): boolean =>
      call.hasWritable ||
      call.hasFinalStatus ||
      call.ivrEnded !== ended ||
      call.hasRecordingControl;
    let woke: boolean;
    if (ended || !revision.oneCallLimitTimer) {
      woke = await condition(wake, ended ? lingerMs : Math.max(1, callDeadline - Date.now()));
    } else {
      callLimitTimer ??= sleep(Math.max(1, callDeadline - Date.now())).then(
        () => void (callLimitPassed = true),
        // Cancelled with the workflow: the wait below raises the cancellation itself.
        () => undefined,
      );
      await condition(() => wake() || callLimitPassed);
      woke = wake();
    }
    if (!woke) call.assumeEnded(ended ? 'ivr-hung-up' : 'call-limit');
    await drain();
    if (call.hasRecordingControl)
      await controlRecording(call.callSid, call.takeRecordingControls());
  }
}
