import type {
  ConferenceCallback,
  ConferenceInput,
  ConferenceSnapshot,
  TransferRequest,
} from './definitions';
import {
  addDialing,
  applyCallback,
  emptyRoster,
  findParticipant,
  present,
  type ParticipantView,
  type Roster,
} from './roster';
import {
  customerAlone,
  isActive,
  nextTransferStep,
  type TransferStep,
  type TransferView,
} from './transfer';

/** Label of the customer's leg; agents are `agent-N`, supervisors `supervisor-N`. */
export const CUSTOMER_LABEL = 'customer';

/**
 * Everything a conference knows, and the named operations that change it. The workflow function
 * only sequences activities around these; every decision is made from this state.
 */
export class ConferenceState {
  readonly roster: Roster = emptyRoster();
  readonly transfers: TransferView[] = [];
  customerCallSid: string | undefined;
  voicemail = false;
  /** An operator ended the conference: its participants leave before Twilio's conference-end. */
  ending = false;
  /** Bumped on every change, so the main loop wakes on anything new. */
  version = 0;
  private labelCounts: Record<string, number> = {};
  private auditCount = 0;

  constructor(readonly input: ConferenceInput) {
    this.customerCallSid = input.customerCallSid;
  }

  get ended(): boolean {
    return this.roster.conference.status === 'ended';
  }

  get conferenceSid(): string | null {
    return this.roster.conference.sid;
  }

  get customer(): ParticipantView | undefined {
    return this.customerCallSid === undefined
      ? undefined
      : this.roster.participants[this.customerCallSid];
  }

  get customerHere(): boolean {
    return this.customer?.status === 'joined';
  }

  get customerGone(): boolean {
    const s = this.customer?.status;
    return s === 'left' || s === 'failed';
  }

  get transfer(): TransferView | undefined {
    return this.transfers[this.transfers.length - 1];
  }

  onCallbacks(callbacks: ConferenceCallback[]): void {
    let changed = false;
    for (const cb of callbacks) {
      if (!applyCallback(this.roster, cb)) continue;
      changed = true;
      // A customer who joined by TwiML (an IVR node) is known by its label.
      if (
        this.customerCallSid === undefined &&
        cb.kind === 'conference' &&
        cb.label === CUSTOMER_LABEL &&
        cb.callSid !== undefined
      ) {
        this.customerCallSid = cb.callSid;
      }
    }
    if (changed) this.version++;
  }

  /** The next free label with this prefix: `agent-1`, `agent-2`, … */
  nextLabel(prefix: 'agent' | 'supervisor'): string {
    const taken = new Set(Object.values(this.roster.participants).map((p) => p.label));
    let n = this.labelCounts[prefix] ?? 0;
    do n++;
    while (taken.has(`${prefix}-${n}`));
    this.labelCounts[prefix] = n;
    return `${prefix}-${n}`;
  }

  dialed(callSid: string, label: string, address: string): void {
    addDialing(this.roster, callSid, label, address);
    this.version++;
  }

  /** Why a transfer cannot start now, or undefined when it can. */
  transferRefusal(request: TransferRequest): string | undefined {
    if (this.ended) return 'the conference has ended';
    if (!this.customerHere) return 'the customer is not in the conference';
    if (isActive(this.transfer)) return `transfer ${this.transfer?.id} is still in progress`;
    if (!this.agentHere()) return 'no agent is in the conference to hand the customer over';
    if (this.participantsAt(request.to).length > 0)
      return `${request.to} is already in the conference`;
    return undefined;
  }

  agentHere(): ParticipantView | undefined {
    return present(this.roster, 'agent-')[0];
  }

  /** Live participants dialed at this address. */
  participantsAt(address: string): ParticipantView[] {
    return Object.values(this.roster.participants).filter(
      (p) => p.address === address && (p.status === 'joined' || p.status === 'dialing'),
    );
  }

  participant(ref: string): ParticipantView | undefined {
    return findParticipant(this.roster, ref);
  }

  beginTransfer(request: TransferRequest, fromCallSid: string, now: number): TransferView {
    const t: TransferView = {
      id: this.transfers.length + 1,
      to: request.to,
      fromCallSid,
      targetLabel: this.nextLabel('agent'),
      targetCallSid: null,
      phase: 'holding',
      by: request.by,
      startedAt: new Date(now).toISOString(),
      // Twilio rings for Timeout seconds, then reports no-answer; a minute more covers a slow
      // callback before a lost one counts as no answer.
      deadline: new Date(now + (this.input.ringTimeoutSec + 60) * 1000).toISOString(),
      endedAt: null,
      outcome: null,
    };
    this.transfers.push(t);
    this.version++;
    return t;
  }

  transferDialed(t: TransferView, callSid: string | null): void {
    t.targetCallSid = callSid;
    t.phase = 'ringing';
    if (callSid) addDialing(this.roster, callSid, t.targetLabel, t.to);
    this.version++;
  }

  transferStep(now: number): TransferStep {
    const t = this.transfer;
    if (!isActive(t) || this.customerCallSid === undefined) return { kind: 'wait' };
    const step = nextTransferStep(t, this.roster, this.customerCallSid, now);
    const target = t.targetCallSid ? this.roster.participants[t.targetCallSid] : undefined;
    if (step.kind === 'wait' && t.phase === 'ringing' && target?.status === 'joined') {
      t.phase = 'consulting';
    }
    return step;
  }

  finishTransfer(
    t: TransferView,
    phase: TransferView['phase'],
    outcome: string,
    now: number,
  ): void {
    t.phase = phase;
    t.outcome = outcome;
    t.endedAt = new Date(now).toISOString();
    this.version++;
  }

  /** The customer is in with no agent in reach: voicemail, once. */
  get needsVoicemail(): boolean {
    if (this.voicemail || this.ending || this.customerCallSid === undefined || this.ended) {
      return false;
    }
    // Twilio is ending the conference: everyone leaves with this reason, the customer too.
    if (Object.values(this.roster.participants).some((p) => p.reason === 'conference_ended')) {
      return false;
    }
    // Until the first agent is dialed the customer waits with hold music, as intended.
    const agentsCalled = Object.values(this.roster.participants).some((p) =>
      (p.label ?? '').startsWith('agent-'),
    );
    return agentsCalled && customerAlone(this.roster, this.customerCallSid, this.transfer);
  }

  /** Legs the conference dialed that are still ringing: cancelled when it ends. */
  ringing(): ParticipantView[] {
    return Object.values(this.roster.participants).filter((p) => p.status === 'dialing');
  }

  callSids(): string[] {
    return Object.keys(this.roster.participants).sort();
  }

  nextAuditKey(workflowId: string, runId: string): string {
    return `${workflowId}/${runId}/${++this.auditCount}`;
  }

  snapshot(): ConferenceSnapshot {
    const c = this.roster.conference;
    return {
      name: this.input.name,
      conferenceSid: c.sid,
      status: c.status,
      endedReason: c.endedReason,
      participants: Object.values(this.roster.participants).map((p) => ({ ...p })),
      transfers: this.transfers.map((t) => ({ ...t })),
      voicemail: this.voicemail,
      eventsSeen: this.roster.seen.length,
    };
  }
}
