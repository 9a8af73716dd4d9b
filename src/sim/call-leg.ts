import { rfc2822 } from './dates';
import type { CallbackFaults } from './faults';
import type { CallRecord, CallStatus } from './model';
import { FINAL_CALL_STATUSES } from './model';
import type { PartyScript } from './script';
import { API_VERSION } from './serialize';
import { defaultSipCode } from './sip';
import type { SimCore } from './core';
import type { RequestPurpose, Transcript, TranscriptEntry } from './transcript';
import type { HttpMethod, WebhookAttempt } from './webhook-client';

export interface StatusCallbackConfig {
  url: string;
  method: HttpMethod;
  events: ReadonlySet<string>;
}

/** A REST update that takes over a live call, as `POST /Calls/{Sid}` with Url, Twiml or Status. */
export type Interrupt =
  | { kind: 'redirect'; url: string; method: HttpMethod }
  | { kind: 'twiml'; twiml: string }
  | { kind: 'hangup'; status: 'completed' | 'canceled'; by?: 'time-limit' };

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type EntryBody = DistributiveOmit<TranscriptEntry, 'callSid' | 'at'>;

export interface LegOptions {
  statusCallback?: StatusCallbackConfig;
  fallbackUrl?: string;
  fallbackMethod?: HttpMethod;
  /** Sync AMD puts `AnsweredBy` on the first TwiML request. */
  answeredByOnWebhook?: boolean;
  /** REST `TimeLimit`: Twilio ends the call this long after it was answered. */
  timeLimitMs?: number;
  /** The BYOC trunk (BY sid) an outbound leg leaves through; its script decides the SIP answer. */
  byoc?: string;
  /** SIP digest credentials offered to a `sip:` destination that challenges. */
  sipAuth?: { username: string; password: string };
}

/** One call leg while it is alive: status, call time, transcript and the REST interrupt slot. */
export class CallLeg {
  elapsedMs = 0;
  answeredAtMs: number | undefined;
  /** Counts TwiML requests so webhook faults can target the n-th one. */
  requestCount = 0;
  verbCount = 0;
  gatherIndex = 0;
  recordIndex = 0;
  hangupDuringUsed = false;
  /** The SIP final response the far end gave, when it was an error (scripted, trunk, auth). */
  sipResponseCode: number | undefined;
  ended = false;
  pending: Interrupt | null = null;
  /** Real ms per ms of call time outside realtime mode (async AMD legs run on a scaled clock). */
  timeScale = 0;
  readonly startedAt: Date;
  private sequence = 0;
  private readonly wakers = new Set<() => void>();
  /** Parameters added to the completed status callback (REST `Record=true` adds recording fields). */
  finishExtras: (() => Record<string, string>) | undefined;

  constructor(
    readonly core: SimCore,
    readonly record: CallRecord,
    readonly script: PartyScript,
    readonly transcript: Transcript,
    readonly options: LegOptions = {},
  ) {
    this.startedAt = core.now();
  }

  get sid(): string {
    return this.record.sid;
  }

  get callbackFaults(): CallbackFaults | undefined {
    return this.script.faults?.callbacks;
  }

  note(body: EntryBody): void {
    this.transcript.add({ ...body, callSid: this.sid, at: this.elapsedMs });
  }
  /** One transcript entry per HTTP attempt Twilio made for a TwiML request. */
  noteAttempts(
    attempts: readonly WebhookAttempt[],
    purpose: RequestPurpose,
    params: Record<string, string>,
  ): void {
    attempts.forEach((a, i) =>
      this.note({
        type: 'request',
        purpose,
        url: a.url,
        method: a.method,
        attempt: i + 1,
        idempotencyToken: a.idempotencyToken,
        params,
        ...(a.status !== undefined ? { status: a.status } : {}),
        ...(a.failure ? { failure: a.failure } : {}),
      }),
    );
  }

  now(): Date {
    return new Date(this.startedAt.getTime() + this.elapsedMs);
  }

  /** The parameters Twilio puts on every request about this call. */
  baseParams(): Record<string, string> {
    const r = this.record;
    const params: Record<string, string> = {
      AccountSid: this.core.accountSid,
      ApiVersion: API_VERSION,
      CallSid: r.sid,
      CallStatus: r.status,
      Called: r.to,
      Caller: r.from,
      Direction: r.direction,
      From: r.from,
      To: r.to,
    };
    if (r.parentCallSid) params.ParentCallSid = r.parentCallSid;
    if (this.options.answeredByOnWebhook && r.answeredBy) params.AnsweredBy = r.answeredBy;
    return params;
  }

  /** Spends call time; it only really waits in realtime mode, and a REST update cuts it short. */
  async spend(ms: number): Promise<void> {
    const limit = this.options.timeLimitMs;
    const left =
      limit !== undefined && this.answeredAtMs !== undefined
        ? this.answeredAtMs + limit - this.elapsedMs
        : Infinity;
    const spent = Math.max(0, Math.min(ms, left));
    this.elapsedMs += spent;
    const scale = this.core.realtime ? 1 : this.timeScale;
    if (scale > 0 && spent > 0) await this.waitReal(spent * scale);
    if (spent >= left && !this.pending && !this.ended) {
      this.interrupt({ kind: 'hangup', status: 'completed', by: 'time-limit' });
    }
  }

  /** Waits real time until `ms` passes or something wakes the leg (REST update, conference end). */
  waitReal(ms: number): Promise<'elapsed' | 'woken'> {
    if (this.pending) return Promise.resolve('woken');
    return new Promise((resolve) => {
      const done = (why: 'elapsed' | 'woken'): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve(why);
      };
      const wake = (): void => done('woken');
      const timer = setTimeout(() => done('elapsed'), Math.max(0, ms));
      this.wakers.add(wake);
    });
  }

  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  interrupt(i: Interrupt): void {
    this.pending = i;
    this.wake();
  }

  emitInitiated(): void {
    // Twilio's start_time is when the call is dialed, not when it is answered.
    this.record.startTime ??= this.now();
    this.statusCallback('initiated', 'initiated');
  }

  setStatus(status: CallStatus): void {
    if (this.record.status === status) return;
    this.record.status = status;
    this.record.dateUpdated = this.now();
    this.note({ type: 'status', status });
    if (status === 'ringing') this.statusCallback('ringing', 'ringing');
    if (status === 'in-progress') this.statusCallback('answered', 'in-progress');
  }

  answer(): void {
    if (this.answeredAtMs !== undefined) return;
    this.answeredAtMs = this.elapsedMs;
    this.record.startTime ??= this.now();
    this.setStatus('in-progress');
  }

  get answered(): boolean {
    return this.answeredAtMs !== undefined;
  }

  durationSec(): number {
    if (this.answeredAtMs === undefined) return 0;
    return Math.ceil((this.elapsedMs - this.answeredAtMs) / 1000);
  }

  /** Ends the leg once: final status, duration, and the `completed` status callback. */
  finish(status: CallStatus): void {
    if (this.ended) return;
    if (!FINAL_CALL_STATUSES.includes(status)) throw new Error(`not a final status: ${status}`);
    this.ended = true;
    const r = this.record;
    r.status = status;
    r.endTime = this.now();
    r.duration = this.durationSec();
    r.dateUpdated = r.endTime;
    if (!r.startTime) r.startTime = r.endTime;
    this.note({ type: 'status', status });
    this.statusCallback('completed', status, {
      CallDuration: String(r.duration),
      Duration: String(Math.ceil(r.duration / 60)),
      ...this.finishExtras?.(),
    });
    this.core.legEnded(this);
  }

  private statusCallback(
    event: string,
    callStatus: string,
    extra: Record<string, string> = {},
  ): void {
    const cfg = this.options.statusCallback;
    if (!cfg?.events.has(event)) return;
    const sequenceNumber = this.sequence++;
    const sip = this.sipResponseCode ?? defaultSipCode(callStatus as CallStatus);
    this.core.callbacks.send({
      kind: 'status',
      event: callStatus,
      url: cfg.url,
      method: cfg.method,
      group: this.sid,
      callSid: this.sid,
      at: this.elapsedMs,
      transcript: this.transcript,
      sequenceNumber,
      ...(this.callbackFaults ? { faults: this.callbackFaults } : {}),
      params: {
        ...this.baseParams(),
        CallStatus: callStatus,
        CallbackSource: 'call-progress-events',
        SequenceNumber: String(sequenceNumber),
        Timestamp: rfc2822(this.now()),
        ...(sip && event === 'completed' ? { SipResponseCode: String(sip) } : {}),
        ...extra,
      },
    });
  }
}
