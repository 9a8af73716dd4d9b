import type { DialTarget, Voice } from '../shared/twiml-plan';

/** One thing the caller hears. */
export type Prompt = ({ say: string } & Voice) | { play: string } | { pause: number };

export interface MenuOption {
  /** DTMF that selects this option, e.g. "1". */
  digits?: string;
  /** Spoken keywords that select this option (matched case-insensitively as words). */
  speech?: string[];
  next: string;
}

export interface FailurePath {
  /** Heard before the menu is asked again. */
  prompt: Prompt[];
  /** Where the call goes once `maxAttempts` failures have happened. */
  exhausted: string;
}

export interface MenuNode {
  type: 'menu';
  prompt: Prompt[];
  input: ('dtmf' | 'speech')[];
  options: MenuOption[];
  hints?: string[];
  timeoutSeconds?: number;
  maxAttempts: number;
  noInput: FailurePath;
  invalid: FailurePath;
  /**
   * The menu collects card or account digits: the call's recording is paused (PauseBehavior=skip)
   * when the menu is entered and resumed when the caller leaves it, so the digits are never in it.
   */
  pauseRecording?: boolean;
}

export interface ConsentNode {
  type: 'consent';
  prompt: Prompt[];
  acceptDigits: string;
  declineDigits: string;
  /** Said words that count as yes / no when speech is enabled. */
  acceptSpeech?: string[];
  declineSpeech?: string[];
  timeoutSeconds?: number;
  /** With no answer the call goes on as declined: recording needs an explicit yes. */
  next: string;
}

export interface MessageNode {
  type: 'message';
  prompt: Prompt[];
  next: string;
}

export interface OpeningHours {
  days: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  /** Local time "HH:MM", inclusive. */
  from: string;
  /** Local time "HH:MM", exclusive. */
  to: string;
}

export interface HoursNode {
  type: 'hours';
  open: OpeningHours[];
  /** Local dates "YYYY-MM-DD" when the business is closed all day. */
  closedDates?: string[];
  whenOpen: string;
  whenClosed: string;
}

export interface TransferNode {
  type: 'transfer';
  prompt?: Prompt[];
  target: DialTarget;
  callerId?: string;
  timeoutSeconds?: number;
  /** Record the bridged call from answer; only when the caller has not declined consent. */
  record?: boolean;
  /** Where a busy, unanswered or failed transfer goes (usually voicemail). */
  onNoAnswer: string;
  /**
   * Send `target` through the carrier route table (`npm run cli -- carrier-routes`): the server
   * resolves it when the call starts and puts the result in `routes`. Absent in older IVRs.
   */
  carrierRouting?: boolean;
  /**
   * The routes to try in order: the first, then each fallback while the last answered busy,
   * failed or with a SIP error. Filled in at call start (or written by hand); absent = `target`.
   */
  routes?: DialRoute[];
}

/** One way out for a transfer: a number over PSTN (optionally a BYOC trunk) or a SIP URI. */
export interface DialRoute {
  kind: 'number' | 'sip';
  to: string;
  /** BYOC trunk (BY sid) a number leaves through; absent = Twilio's own carriers. */
  byoc?: string;
}

export interface VoicemailNode {
  type: 'voicemail';
  prompt: Prompt[];
  maxLengthSeconds: number;
  thanks: Prompt[];
}

export interface HangupNode {
  type: 'hangup';
  prompt: Prompt[];
}

/**
 * Warm transfer through a conference: the caller waits with hold music in the conference
 * `{namePrefix}-{CallSid}` while `agent` is dialed in; the conference workflow takes it from there
 * (moderation, supervision, transfers to other agents). When the caller's conference ends, `next`.
 */
export interface ConferenceNode {
  type: 'conference';
  prompt?: Prompt[];
  /** Agent A: an E.164 number, `client:` identity or `sip:` URI. */
  agent: string;
  /** Business-key prefix of the conference name, e.g. `support`. */
  namePrefix: string;
  next: string;
}

export type IvrNode =
  | MenuNode
  | ConsentNode
  | MessageNode
  | HoursNode
  | TransferNode
  | VoicemailNode
  | HangupNode
  | ConferenceNode;

/** An IVR is data: validated when loaded, snapshotted into each call's workflow input. */
export interface IvrDefinition {
  id: string;
  version: number;
  name: string;
  /** IANA zone for business hours, e.g. "America/New_York". */
  timeZone: string;
  /** Default voice for prompts that do not name one. */
  voice: Voice;
  start: string;
  nodes: Record<string, IvrNode>;
}
