import {
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { attemptReportSignal } from '../campaign/definitions';
import type { ContactOutcome } from '../campaign/progress';
import { nextWindowOpening } from '../campaign/window';
import { CallSidKey } from '../shared/search-attributes';
import { campaignLocal, twilioFor } from './proxies';
import {
  attemptCallSignal,
  attemptControlSignal,
  attemptSmsSignal,
  attemptStatusQuery,
  type AttemptInput,
  type AttemptReport,
} from './definitions';
import { placeCall } from './dial';
import { outcomeOfTry, shouldRetry, wantsSms } from './outcome';
import { AttemptState } from './state';
import { GOODBYE_TWIML, voicemailTwiml } from './twiml';
import { sendSmsFallback } from './sms';

/** Twilio ends every call after 4 hours; a try never waits longer than this for its final status. */
const MAX_CALL_MS = 5 * 60 * 60 * 1000;
/** A paused attempt looks at the campaign again this often, in case its resume signal raced. */
const PAUSE_RECHECK = '1 minute';
/** Attempts report `parked` before their SMS fallback; runs recorded before it do not. */
const PARK_BEFORE_SMS_PATCH = 'attempt-park-before-sms';
const DEFAULT_VOICEMAIL = 'Sorry we missed you. We will try again later.';

/**
 * One contact of a campaign (`outbound-{campaignId}-{contactId}`): tries up to the campaign's budget
 * within the callee's window, each call created exactly once at the paced rate, follows each to its
 * final status, acts on AMD, then sends the SMS fallback and reports to the campaign.
 */
export async function outboundAttemptWorkflow(input: AttemptInput): Promise<AttemptReport> {
  const { contact, settings } = input;
  const state = new AttemptState(contact.id);
  const twilio = twilioFor(input.twilioTaskQueue);
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  setHandler(attemptCallSignal, (e) => state.onCall(e));
  setHandler(attemptSmsSignal, (e) => state.onSms(e));
  setHandler(attemptControlSignal, (c) => {
    state.onControl(c);
    // Queued calls at Twilio are cancelled on pause; live ones finish, or end politely on cancel.
    const sid = state.callSid;
    if (!sid || state.finalStatus) return;
    if ((c.kind === 'pause' || c.kind === 'cancel') && state.notYetAnswered) {
      void twilio.cancelCall(sid).catch(() => undefined);
    } else if (c.kind === 'cancel') {
      void twilio.updateCall({ callSid: sid, twiml: GOODBYE_TWIML }).catch(() => undefined);
    }
  });
  setHandler(attemptStatusQuery, () => state.status());

  const reportParked = () =>
    parent.signal(attemptReportSignal, {
      kind: 'parked',
      contactId: contact.id,
      outcome: 'canceled',
      calls: state.calls,
      smsSent: false,
    });
  const park = async (until: number, phase: string): Promise<void> => {
    state.phase = phase;
    state.waitingUntil = until;
    await reportParked();
    await condition(() => state.stopReason !== undefined, Math.max(1, until - Date.now()));
    state.waitingUntil = undefined;
  };

  // Windows are judged on the callee's calendar; a rehearsal shifts that calendar, never the timers.
  const offset = settings.rehearsalOffsetMs ?? 0;
  let outcome: ContactOutcome | undefined;
  while (outcome === undefined) {
    state.beginTry();
    const opening = nextWindowOpening(Date.now() + offset, contact.timeZone, input.window);
    if (opening - offset > Date.now())
      await park(opening - offset, 'waiting for the calling window');
    if (state.stopReason) {
      outcome = state.stopReason;
      break;
    }
    state.phase = 'dialing';
    const placed = await placeCall(input, state);
    if (placed.kind === 'outside-window') {
      state.tryNo -= 1; // no call was placed: the window wait starts the same try again
      continue;
    }
    if (placed.kind === 'stopped') {
      if (placed.reason === 'paused') {
        state.paused = true;
        state.phase = 'paused';
        await condition(() => !state.paused || state.stopReason !== undefined, PAUSE_RECHECK);
        state.paused = false;
        state.tryNo -= 1;
        continue;
      }
      outcome = placed.reason === 'completed' ? 'canceled' : placed.reason;
      break;
    }
    if (placed.kind === 'failed') {
      outcome = 'failed';
      break;
    }
    state.phase = 'in call';
    upsertSearchAttributes([{ key: CallSidKey, value: state.callSid as string }]);
    for (;;) {
      const ended = await condition(
        () => state.finalStatus !== undefined || state.machineToHandle,
        MAX_CALL_MS,
      );
      if (!ended) break;
      if (!state.machineToHandle) break;
      state.machineHandled = true;
      const sid = state.callSid as string;
      // DetectMessageEnd reports machine_end_* after the greeting's beep: speak now, then hang up.
      try {
        await (settings.amd === 'voicemail'
          ? twilio.updateCall({
              callSid: sid,
              twiml: voicemailTwiml(settings.voicemailMessage ?? DEFAULT_VOICEMAIL),
            })
          : twilio.updateCall({ callSid: sid, status: 'completed' }));
      } catch {
        // 21220: the call ended before the update reached it (the machine hung up); nothing to do.
      }
    }
    await campaignLocal.releaseLiveCall(placed.leaseKey);
    const result = outcomeOfTry(state.finalStatus ?? 'failed', state.answeredBy);
    if (!shouldRetry(result, state.calls, settings.maxAttempts)) {
      outcome = result;
      break;
    }
    await park(Date.now() + settings.retryAfterSeconds * 1000, 'waiting to retry');
    if (state.stopReason) outcome = state.stopReason;
  }

  const sendsSms = wantsSms(outcome) && Boolean(settings.sms);
  // Done dialing: the campaign may start the next contact while this one's SMS is sent and
  // followed, which took seconds of the active limit's places on a busy stack.
  if (sendsSms && patched(PARK_BEFORE_SMS_PATCH)) await reportParked();
  const smsSent = sendsSms ? await sendSmsFallback(input, state) : false;
  state.phase = 'done';
  await campaignLocal.recordContactResult({
    campaignId: input.campaignId,
    contactId: contact.id,
    outcome,
    calls: state.calls,
    callSids: state.callSids,
    ...(state.answeredBy ? { answeredBy: state.answeredBy } : {}),
    ...(state.smsStatus ? { smsStatus: state.smsStatus } : {}),
  });
  const report: AttemptReport = {
    kind: 'done',
    contactId: contact.id,
    outcome,
    calls: state.calls,
    smsSent,
  };
  await parent.signal(attemptReportSignal, report);
  return report;
}
