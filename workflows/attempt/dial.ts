import {
  ActivityFailure,
  ApplicationFailure,
  patched,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { CallSummary } from '../../activities/twilio';
import { TwilioFailureType } from '../shared/twilio-constants';
import { campaignLocal, twilioCreateFor, twilioFor } from './proxies';
import type { AttemptInput } from './definitions';
import type { AttemptState } from './state';

/**
 * A waiting attempt wakes this long before its slot: a check, then the create's dispatch through
 * the Twilio task queue. 1.5 s missed slots when the worker or Temporal lagged (each miss is a slot
 * lost to the rate); runs recorded with that value keep it.
 */
const WAKE_BEFORE_SLOT_MS = 3000;
const WAKE_BEFORE_SLOT_MS_V1 = 1500;
const WAKE_EARLIER_PATCH = 'attempt-wake-3s-before-slot';
/** Twilio's clocks and ours differ: a reconcile looks this far before the intent. */
const RECONCILE_SKEW_MS = 5_000;

/** What one create round came to. */
export type DialResult =
  | { kind: 'placed'; leaseKey: string }
  | { kind: 'stopped'; reason: 'suppressed' | 'capped' | 'paused' | 'canceled' | 'completed' }
  | { kind: 'outside-window' }
  | { kind: 'failed'; leaseKey?: string };

function failureType(err: unknown): string | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    return err.cause.type ?? undefined;
  }
  return undefined;
}

/**
 * One try's create, exactly once: claim a paced slot (and a live-call lease), check window,
 * opt-outs and the cap immediately before, write the intent, then create within the slot. A
 * create whose outcome is unknown (timeout, a worker killed after Twilio answered) is looked up in
 * the Calls list; only a create Twilio certainly never processed is sent again, in a new slot.
 */
export async function placeCall(input: AttemptInput, state: AttemptState): Promise<DialResult> {
  const { campaignId, contact, settings } = input;
  const wf = workflowInfo().workflowId;
  const intentKey = `${wf}:${state.tryNo}`;
  const twilio = twilioFor(input.twilioTaskQueue);
  // A rehearsal's shifted window clock, for both window checks (absent on real campaigns).
  const rehearsal = settings.rehearsalOffsetMs ? { clockOffsetMs: settings.rehearsalOffsetMs } : {};
  const create = twilioCreateFor(input.twilioTaskQueue, settings.createTimeoutSeconds ?? 30);
  const urls = await campaignLocal.webhookUrls({
    attemptWorkflowId: wf,
    tryNo: state.tryNo,
    ivrId: settings.ivrId,
    ivrVersion: input.ivrVersion,
  });
  const check = () =>
    campaignLocal.checkBeforeDial({
      campaignId,
      phone: contact.phone,
      timeZone: contact.timeZone,
      window: input.window,
      intentKey,
      ...rehearsal,
    });
  const first = await check();
  if (first !== 'ok')
    return first === 'outside-window' ? { kind: first } : { kind: 'stopped', reason: first };
  const intendedAt = await campaignLocal.recordDialIntent({
    intentKey,
    campaignId,
    contactId: contact.id,
    phone: contact.phone,
    from: settings.from,
  });
  for (let claimNo = 1; ; claimNo += 1) {
    const stop = state.stopReason;
    if (stop === 'canceled' || stop === 'suppressed') return { kind: 'stopped', reason: stop };
    const leaseKey = `${intentKey}:${claimNo}`;
    const claim = await campaignLocal.claimDialSlot({ campaignId, leaseKey });
    if (claim.kind === 'full') {
      await sleep(Math.max(1, claim.retryAt - Date.now()));
      continue;
    }
    if (claim.kind !== 'slot') return { kind: 'stopped', reason: claim.kind };
    const release = () => campaignLocal.releaseLiveCall(leaseKey);
    // A slot far ahead is waited for on a timer; the opt-outs and the cap are checked again after
    // it, and the create activity itself checks the window right before its request.
    const wakeBefore = patched(WAKE_EARLIER_PATCH) ? WAKE_BEFORE_SLOT_MS : WAKE_BEFORE_SLOT_MS_V1;
    if (claim.slotAt - Date.now() > wakeBefore + 500) {
      await sleep(claim.slotAt - Date.now() - wakeBefore);
      const stopped = state.stopReason;
      if (stopped === 'canceled' || stopped === 'suppressed') {
        await release();
        return { kind: 'stopped', reason: stopped };
      }
      const verdict = await check();
      if (verdict !== 'ok') {
        await release();
        return verdict === 'outside-window'
          ? { kind: verdict }
          : { kind: 'stopped', reason: verdict };
      }
    }
    let call: CallSummary | undefined;
    try {
      const paced = await create.createPacedCall({
        to: contact.phone,
        from: settings.from,
        url: urls.answer,
        statusCallback: urls.status,
        // Answered and the final status are all an attempt acts on: two callbacks per call, not four.
        statusCallbackEvents: ['answered', 'completed'],
        timeoutSec: settings.ringTimeoutSeconds ?? 30,
        ...(settings.amd === 'off'
          ? {}
          : {
              machineDetection: settings.amd === 'voicemail' ? 'DetectMessageEnd' : 'Enable',
              asyncAmd: true,
              asyncAmdStatusCallback: urls.amd,
            }),
        reference: intentKey,
        notBefore: claim.slotAt,
        notAfter: claim.notAfter,
        window: {
          timeZone: contact.timeZone,
          window: input.window,
          ...rehearsal,
        },
      });
      if (paced.kind !== 'created') {
        await release();
        if (paced.kind === 'outside-window') return paced;
        // The send gate's own opt-out check, a moment before the request: a STOP that just came.
        if (paced.kind === 'suppressed') return { kind: 'stopped', reason: 'suppressed' };
        continue; // missed its slot: nothing was sent; a new slot
      }
      call = paced.call;
    } catch (err) {
      const type = failureType(err);
      if (type === TwilioFailureType.rateLimited) {
        await release();
        continue;
      }
      if (type === TwilioFailureType.permanent) {
        await release();
        return { kind: 'failed' };
      }
      // Unknown outcome: Twilio may have the call. Look before dialing again.
      const since = new Date(Date.parse(intendedAt) - RECONCILE_SKEW_MS).toISOString();
      const found = await twilio.findCalls({
        to: contact.phone,
        from: settings.from,
        createdAfter: since,
      });
      const taken = await campaignLocal.callSidsOfOtherIntents(
        intentKey,
        found.map((c) => c.sid),
      );
      call = found.find((c) => !taken.includes(c.sid) && !state.callSids.includes(c.sid));
      if (!call && state.callSid === undefined) {
        await release();
        continue;
      }
    }
    state.adoptCall(call?.sid ?? (state.callSid as string));
    await campaignLocal.resolveDialIntent(intentKey, state.callSid as string);
    return { kind: 'placed', leaseKey };
  }
}
