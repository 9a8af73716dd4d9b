// Over 300 lines on purpose: one class, the call workflow's state, whose handlers share its private
// fields (IVR state, pending writes, status order); the decision and the writes already live in
// decide.ts and pending-writes, and splitting the rest would only pass those fields around.
import { log, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CallLogBatch, CallRow } from '../../activities/call/call-log';
import { reprompt, startIvr, type IvrOutcome, type IvrState } from '../ivr/engine';
import { isFinalStatus, isNewerStatus, type CallStatus } from '../shared/call-status';
import { maskPhone } from '../shared/phone';
import { CallStatusKey, IvrNodeKey } from '../shared/search-attributes';
import type { TwimlPlan } from '../shared/twiml-plan';
import { withRoutes } from '../ivr/routes';
import type { IvrDefinition } from '../ivr/types';
import { withVariables } from '../ivr/variables';
import { decide } from './decide';
import type {
  CallInput,
  CallSnapshot,
  CallStatusEvent,
  CallStep,
  JournalEntry,
  WebhookRequest,
} from './definitions';
import { nextStep } from './journal';
import { ivrLogEvent, statusLogEvent } from './log-events';
import { PendingWrites, type Origin } from './pending-writes';
import type { CallRevision } from './revisions';

const sameState = (a: IvrState, b: IvrState): boolean =>
  a.node === b.node &&
  a.seq === b.seq &&
  a.attempts === b.attempts &&
  a.ended === b.ended &&
  a.consent === b.consent;

/**
 * Everything a call workflow knows, with the operations that change it. Handlers and the main loop
 * in workflow.ts only call these; the revision decides the few places where history differs.
 */
export class CallState {
  private ivrState: IvrState | undefined;
  private lastPlan: TwimlPlan | undefined;
  private status: CallStatus = 'ringing';
  private statusSequence = -1;
  private statusAt: string | undefined;
  private effectSeq = 0;
  /** Pauses and resumes of the call's recording the IVR asked for, not yet sent to Twilio. */
  private readonly recordingControls: ('paused' | 'in-progress')[] = [];
  private readonly seen = new Set<string>();
  private readonly pending: PendingWrites;
  /** Journaled steps that arrived before the steps they follow. */
  private readonly waiting: CallStep[] = [];
  /** Search attributes changed since the last upsert, by name. */
  private readonly changed = new Map<string, SearchAttributeUpdatePair>();
  /** The call row goes out with the first write. */
  private callRow: CallRow | undefined;
  private boundIvr: IvrDefinition | undefined;

  constructor(
    private readonly input: CallInput,
    private readonly revision: CallRevision,
  ) {
    this.pending = new PendingWrites(revision);
  }

  /**
   * The IVR decisions are made with: the input's, with its resolved carrier routes and its prompts
   * filled in from the call's variables. Without either it is the input's very definition.
   */
  private get ivr(): IvrDefinition {
    this.boundIvr ??= withVariables(
      withRoutes(this.input.ivr, this.input.carrierRoutes),
      this.input.variables,
    );
    return this.boundIvr;
  }

  get ivrEnded(): boolean {
    return this.ivrState?.ended ?? false;
  }

  get hasFinalStatus(): boolean {
    return isFinalStatus(this.status);
  }

  /** Whether a write is due now: something is pending that may be written in this task. */
  get hasWritable(): boolean {
    // Revision 1 wrote the call row on its own before any event; later the row rides with events.
    if (this.callRow && this.revision.updateWrites === 'with-decision') return true;
    return this.pending.hasWritable;
  }

  /** Whether anything is left to write at all, committed or not (the call row included). */
  get hasWrites(): boolean {
    return this.pending.size > 0 || this.callRow !== undefined;
  }

  /** An update: the TwiML for this request, advancing the IVR when the request is fresh. */
  answerWebhook(request: WebhookRequest, now: Date): TwimlPlan {
    const decision = decide(this.ivr, this.ivrState, request, now);
    if (decision.kind === 'reserve') {
      return this.lastPlan ?? reprompt(this.ivr, decision.state).plan;
    }
    return this.apply(decision.outcome, now.toISOString(), 'update');
  }

  get callSid(): string {
    return this.input.callSid;
  }

  /** Whether the IVR asked for the call's recording to be paused or resumed. */
  get hasRecordingControl(): boolean {
    return this.recordingControls.length > 0;
  }

  /** The recording changes to send, in order; only menus with `pauseRecording` make any. */
  takeRecordingControls(): ('paused' | 'in-progress')[] {
    return this.recordingControls.splice(0);
  }

  /** Journal entries from the relay (or the start input), each once. */
  onJournal(entries: JournalEntry[]): void {
    for (const entry of entries) {
      if (entry.kind === 'step') this.onStep(entry.step);
      else this.onStatus(entry.event);
    }
  }

  /**
   * Twilio delivers callbacks at least once and in any order: dedupe, then let only a newer
   * callback move the status, and never move it off a final one.
   */
  onStatus(event: CallStatusEvent): void {
    if (this.seen.has(event.eventKey)) return;
    this.seen.add(event.eventKey);
    this.pending.status(event);
    if (!this.isNewer(event) || isFinalStatus(this.status)) return;
    this.status = event.callStatus;
    this.statusSequence = event.sequenceNumber;
    this.statusAt = event.timestamp;
    this.setAttribute({ key: CallStatusKey, value: this.status });
    this.describe();
  }

  /** No final status came (a number without a status callback, or the 4-hour limit passed). */
  assumeEnded(reason: 'ivr-hung-up' | 'call-limit'): void {
    const event: CallStatusEvent = {
      eventKey: `${this.input.callSid}:status:assumed`,
      callStatus: 'completed',
      sequenceNumber: this.statusSequence + 1,
      timestamp: new Date().toISOString(),
    };
    this.pending.status(event, reason);
    this.seen.add(event.eventKey);
    this.status = 'completed';
    this.statusSequence = event.sequenceNumber;
    this.statusAt = event.timestamp;
    this.setAttribute({ key: CallStatusKey, value: this.status });
    this.describe();
  }

  /**
   * At the end of the call, steps still waiting for a lost predecessor are settled in order:
   * revision 2 applied them; from revision 3 they were not decided from the workflow's state and
   * are refused (the inbox keeps every step before it is answered, so none should be waiting).
   */
  adoptWaiting(): void {
    const seqOf = (s: CallStep): number => s.before?.seq ?? -1;
    for (const step of this.waiting.splice(0).sort((a, b) => seqOf(a) - seqOf(b))) {
      if (!this.ivrState || seqOf(step) >= this.ivrState.seq) this.applyStep(step);
    }
  }

  /** The call row, to go out with the first write. */
  startLog(startedAt: string): void {
    const { callSid, accountSid, direction, from, to, ivr } = this.input;
    this.callRow = {
      callSid,
      accountSid,
      direction,
      from,
      to,
      status: this.status,
      ivrId: ivr.id,
      ivrVersion: ivr.version,
      startedAt,
    };
  }

  /**
   * What piled up since the last write, as one batch: everything that may be written in this task,
   * or with `all` everything (the call is closing). `uncommitted` says the batch holds a decision
   * of this very task that a local activity must not write (it goes as a scheduled activity).
   */
  takeBatch(all = false): { batch: CallLogBatch; uncommitted: boolean } {
    const { callSid, ivr } = this.input;
    const batch: CallLogBatch = { callSid, call: this.callRow, events: [], consents: [] };
    let uncommitted = false;
    this.callRow = undefined;
    const taken = this.pending.take(all);
    for (const item of taken) {
      if (item.kind === 'status') {
        batch.events.push(statusLogEvent(item.event, item.assumed));
        continue;
      }
      uncommitted ||= !this.pending.committed(item);
      const { event, consent } = ivrLogEvent(callSid, ivr, item);
      batch.events.push(event);
      if (consent) batch.consents.push(consent);
    }
    return { batch, uncommitted };
  }

  /** Sends the search attributes changed since the last upsert, in one upsert. */
  flushAttributes(): void {
    if (this.changed.size === 0) return;
    upsertSearchAttributes([...this.changed.values()]);
    this.changed.clear();
  }

  describe(): void {
    const { from, to, ivr } = this.input;
    setCurrentDetails(
      `Call ${maskPhone(from)} → ${maskPhone(to)} · IVR ${ivr.id} v${ivr.version} · ` +
        `node ${this.ivrState?.node ?? '-'} · ${this.status}`,
    );
  }

  snapshot(): CallSnapshot {
    const { callSid, ivr } = this.input;
    return {
      callSid,
      status: this.status,
      statusSequence: this.statusSequence,
      ivr: { id: ivr.id, version: ivr.version },
      state: this.ivrState ?? { node: ivr.start, attempts: 0, seq: 0, ended: false },
      eventsSeen: this.seen.size,
    };
  }

  private isNewer(event: CallStatusEvent): boolean {
    if (this.revision.statusOrder === 'sequence') return event.sequenceNumber > this.statusSequence;
    return isNewerStatus(event, {
      sequenceNumber: this.statusSequence,
      timestamp: this.statusAt,
      callStatus: this.status,
    });
  }

  private apply(outcome: IvrOutcome, at: string, origin: Origin): TwimlPlan {
    const moved = outcome.state.node !== this.ivrState?.node;
    this.ivrState = outcome.state;
    this.lastPlan = outcome.plan;
    for (const effect of outcome.effects) {
      this.pending.ivr(effect, this.effectSeq++, at, origin);
      if (effect.kind === 'recording-paused') this.recordingControls.push('paused');
      if (effect.kind === 'recording-resumed') this.recordingControls.push('in-progress');
    }
    if (moved) {
      this.setAttribute({ key: IvrNodeKey, value: outcome.state.node });
      this.describe();
    }
    return outcome.plan;
  }

  private setAttribute(pair: SearchAttributeUpdatePair): void {
    if (this.revision.batchedAttributes) this.changed.set(pair.key.name, pair);
    else upsertSearchAttributes([pair]);
  }

  private onStep(step: CallStep): void {
    if (this.seen.has(step.key)) return;
    this.seen.add(step.key);
    this.waiting.push(step);
    for (let next = nextStep(this.waiting, this.ivrState); next;) {
      if (next.place === 'apply') this.applyStep(next.step);
      next = nextStep(this.waiting, this.ivrState);
    }
  }

  /** A step the server answered: replay the engine from the state it answered from. */
  private applyStep(step: CallStep): void {
    const { request, before } = step;
    if (request.kind === 'inbound') {
      this.apply(startIvr(this.ivr, new Date(step.decidedAt)), step.decidedAt, 'history');
      return;
    }
    if (request.kind === 'resume' || !before) return;
    if (
      this.ivrState === undefined ? this.revision.strictJournal : !sameState(before, this.ivrState)
    ) {
      if (this.revision.strictJournal) {
        // A replayed or forged step: the caller who heard it is not on this call's path.
        log.warn('journaled step from another state refused', {
          callSid: this.input.callSid,
          key: step.key,
        });
        return;
      }
      // Revision 2 followed the step: the caller heard the server's answer.
      log.warn('journaled step decided from a different state', {
        callSid: this.input.callSid,
        key: step.key,
      });
    }
    const decision = decide(this.ivr, before, request, new Date(step.decidedAt));
    if (decision.kind !== 'reserve') this.apply(decision.outcome, step.decidedAt, 'history');
  }
}
