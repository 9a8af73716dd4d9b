/**
 * TwiML as plain data. Workflows return a plan; the webhook server renders it with the twilio
 * package's VoiceResponse. Keeping the workflow free of XML keeps it deterministic and small.
 */

export interface Voice {
  /** Polly voice such as `Polly.Joanna`, or a basic voice (`alice`, `man`, `woman`). */
  voice?: string;
  /** BCP-47 language such as `en-US`. */
  language?: string;
}

export interface SayVerb extends Voice {
  verb: 'say';
  text: string;
  loop?: number;
}
export interface PlayVerb {
  verb: 'play';
  url: string;
  loop?: number;
}
export interface PauseVerb {
  verb: 'pause';
  length: number;
}
export type PromptVerb = SayVerb | PlayVerb | PauseVerb;

/** A place in the workflow a Twilio action comes back to: rendered as `/voice/event?wf=…&step=…`. */
export interface ActionRef {
  step: string;
}

export interface GatherVerb {
  verb: 'gather';
  input: ('dtmf' | 'speech')[];
  action: ActionRef;
  numDigits?: number;
  finishOnKey?: string;
  timeout?: number;
  speechTimeout?: string;
  hints?: string[];
  language?: string;
  prompts: PromptVerb[];
}

export interface DialTarget {
  kind: 'number' | 'client' | 'sip';
  to: string;
  /** BYOC trunk (BY sid) a number is dialed through: `<Number byoc>`. */
  byoc?: string;
}
export interface DialVerb {
  verb: 'dial';
  target: DialTarget;
  action: ActionRef;
  callerId?: string;
  timeout?: number;
  record?: 'record-from-answer' | 'record-from-answer-dual';
  answerOnBridge?: boolean;
}

export interface RecordVerb {
  verb: 'record';
  action: ActionRef;
  maxLength: number;
  timeout?: number;
  playBeep?: boolean;
  finishOnKey?: string;
  /** Recording callbacks go to the server's recording route. */
  recordingStatusCallback?: boolean;
}

export interface RedirectVerb {
  verb: 'redirect';
  action: ActionRef;
}
export interface HangupVerb {
  verb: 'hangup';
}
export interface RejectVerb {
  verb: 'reject';
  reason?: 'rejected' | 'busy';
}

/**
 * `<Dial><Conference>` for a caller handed to the conference family: the server names the
 * conference `{namePrefix}-{CallSid}` and points its status callback at the conference routes.
 */
export interface ConferenceVerb {
  verb: 'conference';
  namePrefix: string;
  agent: string;
  action: ActionRef;
}

export type TwimlVerb =
  | SayVerb
  | PlayVerb
  | PauseVerb
  | GatherVerb
  | DialVerb
  | RecordVerb
  | RedirectVerb
  | HangupVerb
  | RejectVerb
  | ConferenceVerb;

export interface TwimlPlan {
  verbs: TwimlVerb[];
}
