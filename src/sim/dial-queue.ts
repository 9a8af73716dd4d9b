import { TwilioApiError } from './errors';

/** Twilio refuses a create that could not be placed within 24 hours (error 22005). */
export const MAX_QUEUE_MS = 24 * 3_600_000;

/**
 * The account's outbound call queue. Twilio places REST-created calls at the account's CPS (1 by
 * default); calls created faster are accepted and wait in `queued`, up to 24 hours, rather than
 * being refused. Each create takes the next free slot, `1000 / cps` ms after the previous one.
 */
export class DialQueue {
  private nextSlotMs = 0;
  private lastAdmitMs = -Infinity;

  constructor(
    /** Undefined: no limit, every call is placed at once (the simulator's default). */
    public cps: number | undefined,
    private readonly maxQueueMs = MAX_QUEUE_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Reserves a create's slot and returns how long the call waits in `queued`, in ms. */
  reserve(): number {
    if (this.cps === undefined) return 0;
    const now = this.clock();
    const slot = Math.max(now, this.nextSlotMs);
    if (slot - now > this.maxQueueMs) {
      throw new TwilioApiError(
        22005,
        400,
        'Call Queue Full: there are more than 24 hours of calls in your call queue',
      );
    }
    this.nextSlotMs = slot + 1000 / this.cps;
    return slot - now;
  }

  /**
   * Lets a queued call be dialed once its slot has come. Timers can fire late and bunch up, so
   * this also keeps dials `1000 / cps` ms apart: never more than the CPS in any one second.
   */
  async admit(): Promise<void> {
    for (;;) {
      if (this.cps === undefined) return;
      const wait = this.lastAdmitMs + 1000 / this.cps - this.clock();
      if (wait <= 0) {
        this.lastAdmitMs = this.clock();
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(wait)));
    }
  }
}
