import type { CallLeg } from './call-leg';
import { CallbackDispatcher } from './callbacks';
import type { ConferenceRoom } from './conference-room';
import { DialQueue } from './dial-queue';
import type { SimQueue } from './queues';
import { FaultState } from './faults';
import { newSid, type SidPrefix } from './ids';
import type { CallStatus } from './model';
import { seededRandom, type Random } from './random';
import { DEFAULT_SCRIPT, type PartyScript } from './script';
import { accountPath } from './serialize';
import { Store } from './store';
import type { Transcript, TranscriptEntry } from './transcript';
import { WebhookClient } from './webhook-client';

export interface SimulatorOptions {
  /** Default AC00000000000000000000000000000000, the project's `.env.example` value. */
  accountSid?: string;
  authToken?: string;
  /** Where the simulator is reachable; used in `RecordingUrl`. `start()` sets it from the port. */
  baseUrl?: string;
  /** Seeds sids and fault decisions so a test run replays identically. */
  seed?: number;
  /** How long a webhook may take before it counts as timed out (Twilio: 15 s). */
  webhookTimeoutMs?: number;
  /** Really wait for <Pause>, <Say> and ringing instead of only counting call time. */
  realtime?: boolean;
  /** Let webhooks reach hosts other than loopback (off: this machine has no internet). */
  allowExternalHosts?: boolean;
  /** Upper bound, in real ms, on how long a scripted party stays in a conference. */
  maxConferenceMs?: number;
  /** The messaging webhook that inbound SMS are posted to. */
  messagingWebhookUrl?: string;
  /** Injectable wall clock for timestamps. */
  now?: () => Date;
  /**
   * The account's calls per second: REST-created calls beyond it wait in `queued` and are placed
   * at this rate, as Twilio does (default: no limit).
   */
  callsPerSecond?: number;
  /** How long the call queue may grow before creates fail with 22005 (Twilio: 24 h). */
  maxQueueMs?: number;
  /**
   * Real ms per ms of call time on a call with async AMD, which must be live while the app reacts
   * to the AMD callback (default 0.1: a 6 s greeting takes 0.6 s); 1 is real time.
   */
  amdTimeScale?: number;
}

/** The outcome of one call, for tests to assert on. */
export interface CallRun {
  callSid: string;
  status: CallStatus;
  answeredBy?: string;
  durationSec: number;
  transcript: Transcript;
  entries: readonly TranscriptEntry[];
  unsupportedVerbs: string[];
  errors: { code: number; message: string }[];
}

export const DEFAULT_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const DEFAULT_AUTH_TOKEN = 'simulator-auth-token-0000000000';

/** Shared state and services of one simulator: store, live calls, rooms, webhooks, faults. */
export class SimCore {
  readonly accountSid: string;
  readonly authToken: string;
  baseUrl: string;
  readonly random: Random;
  readonly faults: FaultState;
  readonly webhooks: WebhookClient;
  readonly callbacks: CallbackDispatcher;
  readonly store = new Store();
  readonly realtime: boolean;
  readonly maxConferenceMs: number;
  messagingWebhookUrl: string | undefined;
  readonly now: () => Date;
  /** Scripts for numbers the simulator dials (REST calls, <Dial>, participants). */
  readonly parties = new Map<string, PartyScript>();
  readonly live = new Map<string, CallLeg>();
  readonly rooms = new Map<string, ConferenceRoom>();
  /** Call queues by name (`<Enqueue>`, `<Dial><Queue>`). */
  readonly queues = new Map<string, SimQueue>();
  readonly runs = new Map<string, Promise<CallRun>>();
  /** Run when a leg ends (REST-started recordings complete then). */
  readonly legEndHooks: ((leg: CallLeg) => void)[] = [];
  /** Outcome scripted per recipient for outbound messages. */
  readonly messageOutcomes = new Map<string, MessageOutcome>();
  /** Scripts taken one per call to a number (busy, then answered…); the last one stays. */
  readonly partySequences = new Map<string, PartyScript[]>();
  readonly dialQueue: DialQueue;
  readonly amdTimeScale: number;

  constructor(opts: SimulatorOptions = {}) {
    this.accountSid = opts.accountSid ?? DEFAULT_ACCOUNT_SID;
    this.authToken = opts.authToken ?? DEFAULT_AUTH_TOKEN;
    this.baseUrl = opts.baseUrl ?? 'http://127.0.0.1:3100';
    const seed = opts.seed ?? Date.now() % 2 ** 31;
    this.random = seededRandom(seed);
    this.faults = new FaultState(seededRandom(seed ^ 0x5eed));
    this.webhooks = new WebhookClient({
      authToken: this.authToken,
      timeoutMs: opts.webhookTimeoutMs ?? 15_000,
      random: this.random,
      allowExternalHosts: opts.allowExternalHosts ?? false,
    });
    this.callbacks = new CallbackDispatcher(this.webhooks, this.faults);
    this.realtime = opts.realtime ?? false;
    this.maxConferenceMs = opts.maxConferenceMs ?? 30_000;
    this.messagingWebhookUrl = opts.messagingWebhookUrl;
    this.now = opts.now ?? (() => new Date());
    this.dialQueue = new DialQueue(opts.callsPerSecond, opts.maxQueueMs);
    this.amdTimeScale = opts.amdTimeScale ?? 0.1;
  }

  newSid(prefix: SidPrefix): string {
    return newSid(prefix, this.random);
  }

  /** A `sip:` address matches its script with or without its URI parameters and headers. */
  partyFor(address: string): PartyScript {
    const sequence = this.partySequences.get(address);
    if (sequence && sequence.length > 0) {
      return (sequence.length > 1 ? sequence.shift() : sequence[0]) ?? DEFAULT_SCRIPT;
    }
    const bare = address.startsWith('sip:') ? (address.split(/[;?]/)[0] ?? address) : address;
    return this.parties.get(address) ?? this.parties.get(bare) ?? DEFAULT_SCRIPT;
  }

  recordingUrl(recordingSid: string): string {
    return `${this.baseUrl.replace(/\/$/, '')}${accountPath(this.accountSid)}/Recordings/${recordingSid}`;
  }

  legEnded(leg: CallLeg): void {
    this.live.delete(leg.sid);
    for (const hook of this.legEndHooks) hook(leg);
    // Reordered callbacks of a call are released once it has ended, newest first.
    this.callbacks.release(leg.sid);
  }
}

export type MessageOutcome = 'delivered' | 'undelivered' | 'failed' | 'sent';
