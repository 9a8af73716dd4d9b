import {
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CallLogBatch, CallRow, createCallActivities } from '../../activities/call/call-log';
import {
  callSnapshotQuery,
  callStatusSignal,
  callJournalSignal,
  callWebhookUpdate,
  type CallInput,
  type CallSnapshot,
  type CallStatusEvent,
  type CallStep,
  type JournalEntry,
  type WebhookRequest,
} from './definitions';
import { isFinalStatus, type CallStatus } from '../shared/call-status';
import { maskPhone } from '../shared/phone';
import {
  advanceIvr,
  reprompt,
  startIvr,
  stepId,
  type IvrEffect,
  type IvrState,
} from '../ivr/engine';
import { statusLogEvent } from './log-events';
import { nextStep } from './journal';
import { CallStatusKey, IvrNodeKey } from '../shared/search-attributes';
import type { TwimlPlan } from '../shared/twiml-plan';

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
/** Histories recorded before call-log writes became local activities replay with remote ones. */
export const LOCAL_CALL_LOG_PATCH = 'call-log-local-activity';

/** Twilio ends every call after 4 hours; a call workflow never waits longer than this for it. */
const MAX_CALL_MS = 5 * 60 * 60 * 1000;

/** Events are written by activities after TwiML has been answered, so Twilio never waits on PostgreSQL. */
type Pending =
  | { kind: 'status'; event: CallStatusEvent; assumed?: 'ivr-hung-up' | 'call-limit' }
  | { kind: 'ivr'; effect: IvrEffect; seq: number; at: string };

const sameState = (a: IvrState, b: IvrState): boolean =>
  a.node === b.node &&
  a.seq === b.seq &&
  a.attempts === b.attempts &&
  a.ended === b.ended &&
  a.consent === b.consent;

export async function callWorkflow(input: CallInput): Promise<CallSnapshot> {
  const { callSid, ivr } = input;
  // Revision 2 calls issue fewer commands: search attributes go out in one upsert per call-log
  // write (each upsert is a visibility write on the server), the first write waits for the request
  // that started the call so the call row and its first events are one write, and the 4-hour call
  // limit is one timer for the whole call rather than one started and cancelled on every wake-up.
  const compact = (input.revision ?? 1) >= 2;
  const { writeCallLog } = compact || patched(LOCAL_CALL_LOG_PATCH) ? local : remote;
  let ivrState: IvrState | undefined;
  let lastPlan: TwimlPlan | undefined;
  let status: CallStatus = 'ringing';
  let statusSequence = -1;
  let effectSeq = 0;
  const seen = new Set<string>();
  const pending: Pending[] = [];
  /** Journaled steps that arrived before the steps they follow. */
  const waiting: CallStep[] = [];

  /** Search attributes changed since the last upsert, by name. */
  const changed = new Map<string, SearchAttributeUpdatePair>();
  const setAttribute = (pair: SearchAttributeUpdatePair): void => {
    if (compact) changed.set(pair.key.name, pair);
    else upsertSearchAttributes([pair]);
  };
  const flushAttributes = (): void => {
    if (changed.size === 0) return;
    upsertSearchAttributes([...changed.values()]);
    changed.clear();
  };

  const describe = (): void =>
    setCurrentDetails(
      `Call ${maskPhone(input.from)} → ${maskPhone(input.to)} · IVR ${ivr.id} v${ivr.version} · ` +
        `node ${ivrState?.node ?? '-'} · ${status}`,
    );

  const apply = (
    outcome: { state: IvrState; plan: TwimlPlan; effects: IvrEffect[] },
    at = new Date().toISOString(),
  ): TwimlPlan => {
    const moved = outcome.state.node !== ivrState?.node;
    ivrState = outcome.state;
    lastPlan = outcome.plan;
    for (const effect of outcome.effects)
      pending.push({ kind: 'ivr', effect, seq: effectSeq++, at });
    if (moved) {
      setAttribute({ key: IvrNodeKey, value: outcome.state.node });
      describe();
    }
    return outcome.plan;
  };

  setHandler(
    callWebhookUpdate,
    (request: WebhookRequest): TwimlPlan => {
      const now = new Date();
      if (!ivrState) return apply(startIvr(ivr, now));
      // A repeated first request (fallback redirect) or a stale action re-serves where the caller is.
      const fresh =
        request.kind !== 'inbound' &&
        request.kind !== 'resume' &&
        request.step === stepId(ivrState) &&
        !ivrState.ended;
      if (!fresh) return lastPlan ?? reprompt(ivr, ivrState).plan;
      return apply(advanceIvr(ivr, ivrState, request, now));
    },
    {
      validator: (request: WebhookRequest): void => {
        if (!request || typeof request !== 'object')
          throw new Error('webhook request must be an object');
        if (!['inbound', 'resume', 'gather', 'dial', 'record'].includes(request.kind)) {
          throw new Error(`unknown webhook kind "${String(request.kind)}"`);
        }
        if ('step' in request && !/^\d+\.[A-Za-z0-9_-]+$/.test(request.step)) {
          throw new Error(`malformed step "${request.step}"`);
        }
      },
    },
  );

  /** A step the server answered: replay the engine from the state it answered from. */
  const applyStep = (step: CallStep): void => {
    const at = new Date(step.decidedAt);
    const { request, before } = step;
    if (request.kind === 'inbound') {
      apply(startIvr(ivr, at), step.decidedAt);
      return;
    }
    if (request.kind === 'resume' || !before) return;
    if (ivrState && !sameState(before, ivrState)) {
      // The caller heard the server's answer, so the call follows it; this should never happen.
      log.warn('journaled step decided from a different state', { callSid, key: step.key });
    }
    apply(advanceIvr(ivr, before, request, at), step.decidedAt);
  };

  const applyWaiting = (): void => {
    for (let next = nextStep(waiting, ivrState); next; next = nextStep(waiting, ivrState)) {
      if (next.place === 'apply') applyStep(next.step);
    }
  };

  const onStep = (step: CallStep): void => {
    if (seen.has(step.key)) return;
    seen.add(step.key);
    waiting.push(step);
    applyWaiting();
  };

  /** At the end of the call, steps still waiting for a lost predecessor are applied in order. */
  const adoptWaiting = (): void => {
    const seqOf = (s: CallStep): number => s.before?.seq ?? -1;
    for (const step of waiting.splice(0).sort((a, b) => seqOf(a) - seqOf(b))) {
      if (!ivrState || seqOf(step) >= ivrState.seq) applyStep(step);
    }
  };

  const assumeEnded = (reason: 'ivr-hung-up' | 'call-limit'): void => {
    const event: CallStatusEvent = {
      eventKey: `${callSid}:status:assumed`,
      callStatus: 'completed',
      sequenceNumber: statusSequence + 1,
      timestamp: new Date().toISOString(),
    };
    pending.push({ kind: 'status', event, assumed: reason });
    seen.add(event.eventKey);
    status = 'completed';
    statusSequence = event.sequenceNumber;
    setAttribute({ key: CallStatusKey, value: status });
    describe();
  };

  const onStatus = (event: CallStatusEvent): void => {
    // Twilio delivers callbacks at least once and in any order: dedupe, then let only a
    // higher SequenceNumber move the status, and never move it off a final one.
    if (seen.has(event.eventKey)) return;
    seen.add(event.eventKey);
    pending.push({ kind: 'status', event });
    if (event.sequenceNumber > statusSequence && !isFinalStatus(status)) {
      status = event.callStatus;
      statusSequence = event.sequenceNumber;
      setAttribute({ key: CallStatusKey, value: status });
      describe();
    }
  };
  const onJournal = (entries: JournalEntry[]): void => {
    for (const entry of entries) {
      if (entry.kind === 'step') onStep(entry.step);
      else onStatus(entry.event);
    }
  };
  setHandler(callStatusSignal, onStatus);
  setHandler(callJournalSignal, onJournal);
  onJournal(input.journal ?? []);

  const snapshot = (): CallSnapshot => ({
    callSid,
    status,
    statusSequence,
    ivr: { id: ivr.id, version: ivr.version },
    state: ivrState ?? { node: ivr.start, attempts: 0, seq: 0, ended: false },
    eventsSeen: seen.size,
  });
  setHandler(callSnapshotQuery, snapshot);

  describe();
  let callRow: CallRow | undefined = {
    callSid,
    accountSid: input.accountSid,
    direction: input.direction,
    from: input.from,
    to: input.to,
    status,
    ivrId: ivr.id,
    ivrVersion: ivr.version,
    startedAt: new Date(workflowInfo().startTime).toISOString(),
  };

  // Whatever piled up while the last write ran goes out in one activity: one round trip per batch.
  const drain = async (): Promise<void> => {
    flushAttributes();
    while (pending.length > 0 || callRow) {
      const batch: CallLogBatch = { callSid, call: callRow, events: [], consents: [] };
      for (const item of pending.splice(0, pending.length)) {
        if (item.kind === 'status') {
          batch.events.push(statusLogEvent(item.event, item.assumed));
          continue;
        }
        const { effect } = item;
        const eventKey = `${callSid}:ivr:${item.seq}`;
        batch.events.push({
          eventKey,
          kind: `ivr.${effect.kind}`,
          detail: { ...effect },
          occurredAt: item.at,
          ivrNode: effect.kind === 'entered' ? effect.node : undefined,
        });
        if (effect.kind === 'consent') {
          batch.consents.push({
            eventKey,
            granted: effect.granted,
            answered: effect.answered,
            ivrId: ivr.id,
            ivrVersion: ivr.version,
            at: item.at,
          });
        }
      }
      await writeCallLog(batch);
      callRow = undefined;
      flushAttributes();
    }
  };

  // A condition is checked once the activation's jobs have run: by then the update or signal that
  // started the call has been handled, and the call row goes out with its first events.
  if (compact) await condition(() => true);
  await drain();
  // Wait for Twilio's final status. A number without a status callback never sends one, so once
  // the IVR has hung up (or Twilio's 4-hour call limit has passed) the workflow closes the call.
  const lingerMs = (input.lingerSeconds ?? 60) * 1000;
  const callDeadline = Date.now() + MAX_CALL_MS;
  let callLimitTimer: Promise<void> | undefined;
  let callLimitPassed = false;
  while (!isFinalStatus(status)) {
    const ended = ivrState?.ended ?? false;
    const wake = (): boolean =>
      pending.length > 0 || isFinalStatus(status) || (ivrState?.ended ?? false) !== ended;
    let woke: boolean;
    if (ended || !compact) {
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
    if (!woke) assumeEnded(ended ? 'ivr-hung-up' : 'call-limit');
    await drain();
  }
  // Late or reordered callbacks still arrive for a while after the call ends. Revision 1 listened
  // for them; from revision 2 the outbox relay logs a status that finds the workflow closed, so a
  // call closes as soon as its IVR has ended (no timer, no further workflow task). An IVR that has
  // not ended may still get its last request (a recording's action comes after the hang-up).
  const settled = (): boolean => compact && (ivrState?.ended ?? false);
  const lingerUntil = Date.now() + lingerMs;
  while (!settled() && Date.now() < lingerUntil) {
    if (!(await condition(() => pending.length > 0 || settled(), lingerUntil - Date.now()))) break;
    await drain();
  }
  adoptWaiting();
  await drain();
  await condition(allHandlersFinished);
  flushAttributes();
  return snapshot();
}
