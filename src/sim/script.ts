import type { CallbackFaults, WebhookFaults } from './faults';

/** How a party meets a call: picks up, is busy, never answers, cannot be reached, or is a machine. */
export type Answer = 'answer' | 'busy' | 'no-answer' | 'failed' | 'machine';

/** Twilio's `AnsweredBy` values for answering machine detection. */
export type AnsweredBy =
  | 'human'
  | 'machine_start'
  | 'machine_end_beep'
  | 'machine_end_silence'
  | 'machine_end_other'
  | 'fax'
  | 'unknown';

/** What the party does at one <Gather>: key digits, speak, or stay silent until the timeout. */
export type GatherInput =
  { digits: string } | { speech: string; confidence?: number } | { silence: true };

/** What the party says at one <Record>; no text (or `silent`) makes an empty recording. */
export interface RecordInput {
  text?: string;
  durationSec?: number;
  /** A key pressed to end the recording (must be one of the verb's finishOnKey keys). */
  finishOnKey?: string;
  silent?: boolean;
  /**
   * A WAV file that is the recording (e.g. speech made with `flite -voice rms`), served as it is:
   * its rate and channels are kept and its length is the RecordingDuration.
   */
  audioFile?: string;
  /** A tone of about this many bytes (8 kHz 16-bit), made on each download: large media. */
  sizeBytes?: number;
  /**
   * How the recording ends instead of `completed`: `too-short` is absent with 16101, `silent`
   * absent with 16102 (as an empty recording), `failed` is failed with `errorCode` if given.
   */
  outcome?: 'too-short' | 'silent' | 'failed';
  errorCode?: number;
}

export type VerbName =
  | 'Say'
  | 'Play'
  | 'Pause'
  | 'Gather'
  | 'Dial'
  | 'Record'
  | 'Redirect'
  | 'Hangup'
  | 'Reject'
  | 'Conference';

/** A scripted party: the caller of an inbound call, or the callee of an outbound call or dial. */
export interface PartyScript {
  answer?: Answer;
  /** AMD result; defaults to `human`, or `machine_start` (`machine_end_beep` with DetectMessageEnd) for a machine. */
  answeredBy?: AnsweredBy;
  /** A machine's greeting lasts this long before its beep (default 6 s): when DetectMessageEnd reports. */
  beepAfterSeconds?: number;
  /** Consumed in order by each <Gather>; when none is left the party stays silent. */
  gathers?: GatherInput[];
  /** Consumed in order by each <Record>. */
  records?: RecordInput[];
  /** What a recording started over REST (`POST /Calls/{Sid}/Recordings`) holds; default a tone. */
  callRecording?: RecordInput;
  /** The party hangs up before the verb after this many verbs. */
  hangupAfterVerbs?: number;
  /** The party hangs up in the middle of the first verb with this name. */
  hangupDuring?: VerbName;
  /** Seconds a dialed party talks once bridged before hanging up (default 5). */
  talkSeconds?: number;
  /** Seconds of ringing before the party answers (default 2). */
  ringSeconds?: number;
  /** Real milliseconds of ringing before the outcome, so a test can cancel a ringing call. */
  answerDelayMs?: number;
  /** Real milliseconds the party stays in a conference before leaving (default: until it ends). */
  conferenceStayMs?: number;
  /** Real ms after joining a conference at which the party talks (speech-start/stop events). */
  conferenceSpeech?: { afterMs: number; durationMs?: number }[];
  /** A SIP final response (≥ 300) the party answers with instead of ringing: 486, 488, 503… */
  sipResponseCode?: number;
  /** A `sip:` party that challenges: the call fails with 407 unless these credentials are offered. */
  sipAuth?: { username: string; password: string };
  /** Faults for this call only; they override the simulator's global ones. */
  faults?: { callbacks?: CallbackFaults; webhooks?: WebhookFaults };
}

export const DEFAULT_SCRIPT: PartyScript = Object.freeze({ answer: 'answer' });
