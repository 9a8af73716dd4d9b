import type { Random } from './random';

export type CallbackKind =
  'status' | 'recording' | 'amd' | 'conference' | 'transcription' | 'message';

/** Faults on asynchronous callbacks, which Twilio delivers at least once and in no set order. */
export interface CallbackFaults {
  /** Probability (0..1) that a callback is sent twice; 1 duplicates all. */
  duplicate?: number;
  /** Probability (0..1) that a callback is never sent. */
  drop?: number;
  /** Real milliseconds to hold each callback before sending it. */
  delayMs?: number;
  /** Hold a call's callbacks until it ends, then send them newest first. */
  reorder?: boolean;
  /** Which callbacks the faults apply to (default: all kinds). */
  kinds?: CallbackKind[];
}

export interface WebhookFaults {
  /**
   * Indexes (0-based, per call) of TwiML requests whose first attempt reaches the app but is
   * treated as timed out, so the simulator retries it with the same idempotency token.
   */
  timeoutRequests?: number[];
}

/** REST routes a fault can be limited to. */
export type RestRoute = 'calls.create' | 'calls.update' | 'calls.list' | 'messages.create';

export interface RestFaults {
  /** Only these routes fail (default: every REST request). */
  routes?: RestRoute[];
  /** The next this-many matching requests all fail: a storm, before `errorRate` applies again. */
  burst?: number;
  /** Probability (0..1) that a REST request fails with `errorStatus` instead of running. */
  errorRate?: number;
  /** 429 answers Twilio's 20429; 5xx answers a server error (default 429). */
  errorStatus?: 429 | 500 | 502 | 503;
  /** Real milliseconds added before every REST response. */
  slowMs?: number;
  /** Retry-After (seconds) sent with the injected errors, as Twilio may with a 429 or 503. */
  retryAfterSeconds?: number;
}

/** Faults on recording media downloads (`/Recordings/{Sid}`, `.wav`). */
export interface MediaFaults {
  /** Close the connection after this many bytes of the body (Content-Length promises them all). */
  interruptAfterBytes?: number;
  /** How many downloads to interrupt before serving whole files again (default: every one). */
  times?: number;
  /** Only these recordings (default: all). */
  recordingSids?: string[];
}

export interface Faults {
  callbacks?: CallbackFaults;
  webhooks?: WebhookFaults;
  rest?: RestFaults;
  media?: MediaFaults;
}

/**
 * Runs just before a REST answer leaves, with the route and HTTP status: the request has been
 * processed (a create has made its call) and the caller has not yet seen the answer. Tests use it
 * to crash a client at exactly that point.
 */
export type RestReplyHook = (route: RestRoute, status: number) => void | Promise<void>;

/** Global faults, mutable while the simulator runs; decisions use a seeded generator. */
export class FaultState {
  current: Faults = {};
  /** What is left of the current REST burst. */
  private burstLeft = 0;
  /** REST errors injected so far, for tests to count. */
  restErrors = 0;
  readonly replyHooks = new Set<RestReplyHook>();

  constructor(readonly random: Random) {}

  set(faults: Faults): void {
    this.current = faults;
    this.burstLeft = faults.rest?.burst ?? 0;
  }

  /** Whether this REST request fails: inside a burst, or by `errorRate`, on a matching route. */
  restFault(route: RestRoute | undefined): boolean {
    const rest = this.current.rest;
    if (!rest) return false;
    if (rest.routes && (route === undefined || !rest.routes.includes(route))) return false;
    const fail = this.burstLeft > 0 || this.chance(rest.errorRate);
    if (this.burstLeft > 0) this.burstLeft -= 1;
    if (fail) this.restErrors += 1;
    return fail;
  }

  /**
   * Byte count at which to cut this download of `recordingSid`, or undefined to serve it whole;
   * counts down `media.times`.
   */
  takeMediaInterruption(recordingSid: string): number | undefined {
    const media = this.current.media;
    if (media?.interruptAfterBytes === undefined) return undefined;
    if (media.recordingSids && !media.recordingSids.includes(recordingSid)) return undefined;
    if (media.times !== undefined) {
      if (media.times <= 0) return undefined;
      media.times--;
    }
    return media.interruptAfterBytes;
  }

  chance(probability: number | undefined): boolean {
    if (!probability || probability <= 0) return false;
    if (probability >= 1) return true;
    return this.random() < probability;
  }
}
