import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ParticipantView } from './roster';
import type { TransferView } from './transfer';

/** The revision new conferences start with; conference/revisions.ts describes each one. */
export const CONFERENCE_REVISION = 1;

/**
 * What a conference workflow is started with. Workflows cannot read config, so every URL and
 * default comes in here, written once by the starter (CLI, webhook route or test).
 */
export interface ConferenceInput {
  /** Twilio's FriendlyName, from a business key: `support-ticket-842193`. */
  name: string;
  /** Shape of history this conference started with (CONFERENCE_REVISION). */
  revision: number;
  /** The customer's CallSid when the workflow moves a live call in (CLI transfer). */
  customerCallSid?: string;
  /**
   * The customer joins by itself (an IVR node answered with `<Dial><Conference>`): the workflow
   * does not redirect the call, it waits for the customer's participant-join.
   */
  customerJoinsItself?: boolean;
  /** Agent A's address (E.164, `client:` or `sip:`), dialed in once the customer is there. */
  agent?: string;
  /** A warm transfer to start as soon as agent A has joined. */
  transferTo?: string;
  /** Who asked for this conference (an operator's name, `ivr`, …), for the audit log. */
  by: string;
  /** Caller ID for every leg the conference dials out. */
  callerId: string;
  /** Absolute URL of the signed conference status route (`/voice/conference/status`). */
  statusCallbackUrl: string;
  /** Absolute URL of the participant call-status route (`/voice/conference/participant-status`). */
  participantStatusUrl: string;
  /** Absolute URL that answers a customer who must leave a voicemail (`/voice/conference/voicemail`). */
  voicemailUrl: string;
  /** Audio played to a held or waiting customer: they never hear silence. */
  holdMusicUrl: string;
  /** Seconds an agent's phone rings before Twilio gives up (Participants `Timeout`). */
  ringTimeoutSec: number;
  /** Twilio REST task queue, when a deployment renames it. */
  twilioTaskQueue?: string;
  /** `record-from-start` on the conference; only with `recordingStatusCallbackUrl` set. */
  record?: boolean;
  /**
   * Where Twilio reports the conference recording (`/voice/recording`, the recording lifecycle).
   * Without it nothing is recorded: Twilio is never asked for a callback no route serves.
   */
  recordingStatusCallbackUrl?: string;
}

/** One Twilio conference status callback, read and keyed by the webhook server. */
export interface ConferenceEvent {
  kind: 'conference';
  /** Unique per callback (ConferenceSid, SequenceNumber, event): retries and duplicates share it. */
  key: string;
  /** StatusCallbackEvent: conference-start, participant-join, participant-leave, … */
  event: string;
  conferenceSid: string;
  /** Twilio's SequenceNumber for the conference; -1 when absent. */
  sequenceNumber: number;
  /** ISO time of the callback (Twilio's Timestamp). */
  timestamp: string;
  callSid?: string;
  label?: string;
  muted?: boolean;
  hold?: boolean;
  coaching?: boolean;
  /** ReasonParticipantLeft or ReasonConferenceEnded. */
  reason?: string;
}

/** A status callback of a leg the conference dialed (an agent or supervisor): how its call ended. */
export interface ParticipantCallEvent {
  kind: 'call-status';
  key: string;
  callSid: string;
  callStatus: string;
  sequenceNumber: number;
  timestamp: string;
}

export type ConferenceCallback = ConferenceEvent | ParticipantCallEvent;

export const MODERATION_ACTIONS = ['mute', 'unmute', 'hold', 'unhold', 'kick', 'end'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** An operator's moderation request: `participant` is a label (`agent-1`) or a CallSid. */
export interface ModerationRequest {
  action: ModerationAction;
  participant?: string;
  by: string;
}

export const SUPERVISION_MODES = ['monitor', 'coach', 'barge'] as const;
export type SupervisionMode = (typeof SUPERVISION_MODES)[number];

/** A supervisor joins muted (monitor), heard by one agent only (coach), or heard by all (barge). */
export interface SupervisionRequest {
  mode: SupervisionMode;
  /** The supervisor's address; a supervisor already in the conference changes mode in place. */
  supervisor: string;
  /** The agent coached (label or CallSid); coach only. */
  agent?: string;
  by: string;
}

export interface TransferRequest {
  /** Agent B's address. */
  to: string;
  by: string;
}

/** What an update did, for the CLI to print. */
export interface ActionResult {
  action: string;
  /** CallSid the action touched or created. */
  callSid?: string;
  label?: string;
  at: string;
}

export interface ConferenceSnapshot {
  name: string;
  conferenceSid: string | null;
  status: 'waiting' | 'in-progress' | 'ended';
  endedReason: string | null;
  participants: ParticipantView[];
  transfers: TransferView[];
  /** The customer was sent to voicemail (no agent left to take them). */
  voicemail: boolean;
  eventsSeen: number;
}

export const conferenceCallbacksSignal =
  defineSignal<[ConferenceCallback[]]>('conferenceCallbacks');
export const moderateUpdate = defineUpdate<ActionResult, [ModerationRequest]>('moderate');
export const superviseUpdate = defineUpdate<ActionResult, [SupervisionRequest]>('supervise');
export const transferUpdate = defineUpdate<ActionResult, [TransferRequest]>('transfer');
export const conferenceSnapshotQuery = defineQuery<ConferenceSnapshot>('conferenceSnapshot');
