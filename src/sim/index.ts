export { buildSimulator, startSimulator, type Simulator } from './simulator';
export type { CallRun, SimulatorOptions, MessageOutcome } from './core';
export { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from './core';
export type { InboundCallOptions, StartedCall } from './calls';
export type { PartyScript, GatherInput, RecordInput, Answer, AnsweredBy, VerbName } from './script';
export type {
  Faults,
  CallbackFaults,
  RestFaults,
  WebhookFaults,
  MediaFaults,
  CallbackKind,
  RestReplyHook,
  RestRoute,
} from './faults';
export type { TranscriptEntry } from './transcript';
export { Transcript } from './transcript';
export type { InboundSms, InboundSmsResult } from './messaging';
export { readWavInfo } from './audio';
export { describeEntry } from './describe';
export type { PhoneNumberInput, PhoneNumberRecord } from './rest-numbers';
export type { ByocTrunkRecord } from './sip';
export { sipStatus } from './sip';
export type { ConferenceRoom } from './conference-room';
export { DEFAULT_HOLD_MUSIC } from './hold-music';
export { CONFERENCE_EVENTS } from './conference-events';
