/** In-memory resources, camelCase; `serialize.ts` turns them into Twilio's snake_case JSON. */

export type CallStatus =
  'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

export type CallDirection = 'inbound' | 'outbound-api' | 'outbound-dial';

export const FINAL_CALL_STATUSES: readonly CallStatus[] = [
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
];

export interface CallRecord {
  sid: string;
  parentCallSid?: string;
  to: string;
  from: string;
  status: CallStatus;
  direction: CallDirection;
  dateCreated: Date;
  dateUpdated: Date;
  startTime?: Date;
  endTime?: Date;
  duration?: number;
  answeredBy?: string;
  callerName?: string;
  /** Ms the call waited in the account's queue before it was dialed (Twilio's queue_time). */
  queueTimeMs?: number;
  /** The BYOC trunk the call left through (Twilio's `trunk_sid`). */
  trunkSid?: string;
}

export type MessageStatus =
  'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';

export interface MessageRecord {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: MessageStatus;
  direction: 'outbound-api' | 'inbound';
  dateCreated: Date;
  dateUpdated: Date;
  dateSent?: Date;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback?: string;
}

export type RecordingStatus =
  'in-progress' | 'paused' | 'stopped' | 'processing' | 'completed' | 'absent' | 'failed';

export type RecordingSource =
  | 'DialVerb'
  | 'Conference'
  | 'OutboundAPI'
  | 'RecordVerb'
  | 'StartCallRecordingAPI'
  | 'StartConferenceRecordingAPI';

export interface RecordingRecord {
  sid: string;
  callSid: string;
  conferenceSid: string | null;
  status: RecordingStatus;
  source: RecordingSource;
  channels: 1 | 2;
  track: 'inbound' | 'outbound' | 'both';
  duration: number;
  startTime: Date;
  dateCreated: Date;
  dateUpdated: Date;
  errorCode: number | null;
  /** What the recorded party said, synthesised into the media. */
  text: string;
  media?: Buffer;
  /** Large media made on each request (a tone of this length), never held in memory. */
  generated?: { seconds: number; channels: 1 | 2 };
  statusCallback?: { url: string; method: 'GET' | 'POST'; events: string[] };
}

export type ConferenceStatus = 'init' | 'in-progress' | 'completed';

export interface ConferenceRecord {
  sid: string;
  friendlyName: string;
  status: ConferenceStatus;
  dateCreated: Date;
  dateUpdated: Date;
  reasonConferenceEnded: string | null;
  callSidEndingConference: string | null;
}

export type ParticipantStatus =
  'queued' | 'connecting' | 'ringing' | 'connected' | 'complete' | 'failed';

export type BeepMode = 'true' | 'false' | 'onEnter' | 'onExit';

export interface ParticipantRecord {
  callSid: string;
  conferenceSid: string;
  label: string | null;
  status: ParticipantStatus;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  callSidToCoach: string | null;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  holdUrl: string | null;
  /** What the participant hears while held (from HoldUrl, or Twilio's default music); null when not held. */
  holdMusic: string[] | null;
  /** `true`, `false`, `onEnter` or `onExit`: when the conference beeps for this participant. */
  beep: BeepMode;
  dateCreated: Date;
  dateUpdated: Date;
}
