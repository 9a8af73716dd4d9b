import type { ContactOutcome } from '../campaign/progress';
import { FINAL_CALL_STATUSES, isMachine, type TryStatus } from './outcome';
import type {
  AttemptCallEvent,
  AttemptControl,
  AttemptSmsEvent,
  AttemptStatus,
} from './definitions';

const FINAL_SMS = new Set(['delivered', 'undelivered', 'failed']);
/** Twilio's order of a call's progress, for callbacks that arrive out of order. */
const RANK: Record<string, number> = { queued: 0, initiated: 1, ringing: 2, 'in-progress': 3 };

/** Everything one contact's attempt knows, and the operations its signals apply. */
export class AttemptState {
  phase = 'starting';
  tryNo = 0;
  calls = 0;
  callSids: string[] = [];
  callSid?: string;
  callStatus?: string;
  finalStatus?: TryStatus;
  answeredBy?: string;
  machineHandled = false;
  waitingUntil?: number;
  smsSid?: string;
  smsStatus?: string;
  paused = false;
  canceled = false;
  optedOut = false;
  private readonly seen = new Set<string>();

  constructor(readonly contactId: number) {}

  /** A new try: callbacks of earlier tries are ignored from here on. */
  beginTry(): void {
    this.tryNo += 1;
    this.callSid = undefined;
    this.callStatus = undefined;
    this.finalStatus = undefined;
    this.answeredBy = undefined;
    this.machineHandled = false;
  }

  adoptCall(callSid: string): void {
    if (this.callSid === callSid) return;
    this.callSid = callSid;
    this.calls += 1;
    this.callSids.push(callSid);
  }

  onCall(event: AttemptCallEvent): void {
    if (event.tryNo !== this.tryNo) return;
    const key = `${event.callSid}:${event.kind}:${event.value}:${event.sequenceNumber}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    // A status callback can overtake the create's answer (or stand in for a lost one).
    if (this.callSid === undefined) this.adoptCall(event.callSid);
    if (event.callSid !== this.callSid) return;
    if (event.kind === 'amd') {
      this.answeredBy = event.value;
      return;
    }
    if (this.finalStatus) return;
    if (FINAL_CALL_STATUSES.has(event.value)) {
      this.finalStatus = event.value as TryStatus;
      this.callStatus = event.value;
    } else if ((RANK[event.value] ?? -1) > (RANK[this.callStatus ?? ''] ?? -1)) {
      this.callStatus = event.value;
    }
  }

  onSms(event: AttemptSmsEvent): void {
    if (this.smsSid !== undefined && event.messageSid !== this.smsSid) return;
    if (this.smsStatus && FINAL_SMS.has(this.smsStatus)) return;
    this.smsStatus = event.status;
  }

  get smsFinal(): boolean {
    return this.smsStatus !== undefined && FINAL_SMS.has(this.smsStatus);
  }

  onControl(control: AttemptControl): void {
    if (control.kind === 'pause') this.paused = true;
    if (control.kind === 'resume') this.paused = false;
    if (control.kind === 'cancel') this.canceled = true;
    if (control.kind === 'opt-out') this.optedOut = true;
  }

  /** Why the attempt must stop before its next create, if it must. */
  get stopReason(): ContactOutcome | undefined {
    if (this.canceled) return 'canceled';
    if (this.optedOut) return 'suppressed';
    return undefined;
  }

  /** A machine answered and AMD's decision has not been acted on yet. */
  get machineToHandle(): boolean {
    return !this.machineHandled && !this.finalStatus && isMachine(this.answeredBy);
  }

  /** Queued or ringing at Twilio, not answered: what a pause cancels. */
  get notYetAnswered(): boolean {
    return this.callSid !== undefined && !this.finalStatus && this.callStatus !== 'in-progress';
  }

  status(): AttemptStatus {
    return {
      contactId: this.contactId,
      phase: this.phase,
      calls: this.calls,
      ...(this.waitingUntil !== undefined ? { waitingUntil: this.waitingUntil } : {}),
      ...(this.callSid ? { callSid: this.callSid } : {}),
      ...(this.callStatus ? { callStatus: this.callStatus } : {}),
      ...(this.answeredBy ? { answeredBy: this.answeredBy } : {}),
      ...(this.smsStatus ? { smsStatus: this.smsStatus } : {}),
    };
  }
}
