import type { CallbackFaults, CallbackKind, FaultState } from './faults';
import type { Transcript } from './transcript';
import type { HttpMethod, WebhookClient } from './webhook-client';

export interface CallbackRequest {
  kind: CallbackKind;
  /** A short label for transcripts: the status, RecordingStatus, conference event... */
  event: string;
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
  /** Callbacks of one call (or message) share a group; reordering happens within it. */
  group: string;
  callSid: string;
  at: number;
  transcript?: Transcript;
  sequenceNumber?: number;
  faults?: CallbackFaults;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends status, recording, AMD, conference and message callbacks. They are fire-and-forget for
 * the call, as at Twilio, and subject to the configured faults: duplicated, dropped, delayed, or
 * held back and released newest-first to model out-of-order delivery.
 */
export class CallbackDispatcher {
  private readonly pending = new Set<Promise<void>>();
  private readonly held = new Map<string, CallbackRequest[]>();

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly faults: FaultState,
  ) {}

  send(req: CallbackRequest): void {
    const f = this.faultsFor(req);
    if (this.faults.chance(f?.drop)) {
      this.log(req, { fault: 'dropped' });
      return;
    }
    if (f?.reorder) {
      const list = this.held.get(req.group) ?? [];
      list.push(req);
      this.held.set(req.group, list);
      return;
    }
    this.dispatch(req, f, undefined);
  }

  /** Sends a group's held callbacks, newest first. */
  release(group: string): void {
    const list = this.held.get(group);
    if (!list) return;
    this.held.delete(group);
    for (const req of list.reverse()) this.dispatch(req, this.faultsFor(req), 'reordered');
  }

  /** Counts work that will send callbacks later (media being synthesised) towards `idle`. */
  track(work: Promise<unknown>): void {
    const p: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    );
    const tracked = p.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once every callback sent so far has been delivered or given up. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private faultsFor(req: CallbackRequest): CallbackFaults | undefined {
    const f = req.faults ?? this.faults.current.callbacks;
    if (!f) return undefined;
    if (f.kinds && !f.kinds.includes(req.kind)) return undefined;
    return f;
  }

  private dispatch(
    req: CallbackRequest,
    f: CallbackFaults | undefined,
    fault: 'reordered' | undefined,
  ): void {
    const copies = this.faults.chance(f?.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const label = i > 0 ? 'duplicate' : f?.delayMs ? 'delayed' : fault;
      const p = this.deliver(req, f?.delayMs ?? 0, label).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  private async deliver(
    req: CallbackRequest,
    delayMs: number,
    fault: 'duplicate' | 'delayed' | 'reordered' | undefined,
  ): Promise<void> {
    if (delayMs > 0) await sleep(delayMs);
    const { outcome, attempts } = await this.webhooks.send({
      url: req.url,
      method: req.method,
      params: req.params,
    });
    const last = attempts[attempts.length - 1];
    this.log(req, {
      ...(fault ? { fault } : {}),
      ...(last?.status !== undefined ? { status: last.status } : {}),
      ...(!outcome.ok ? { failure: outcome.message } : {}),
    });
  }

  private log(
    req: CallbackRequest,
    extra: {
      fault?: 'dropped' | 'duplicate' | 'delayed' | 'reordered';
      status?: number;
      failure?: string;
    },
  ): void {
    req.transcript?.add({
      type: 'callback',
      kind: req.kind,
      event: req.event,
      url: req.url,
      callSid: req.callSid,
      at: req.at,
      ...(req.sequenceNumber !== undefined ? { sequenceNumber: req.sequenceNumber } : {}),
      ...extra,
    });
  }
}
