import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Where a recording came from, as retention policies name it. */
export type RecordingSource = 'voicemail' | 'call' | 'conference';

/** Twilio's RecordingStatus values, as its recording status callbacks send them. */
export type RecordingStatus = 'in-progress' | 'completed' | 'absent' | 'failed';

/** What a recording workflow starts with. */
export interface RecordingInput {
  recordingSid: string;
  accountSid: string;
  callSid?: string;
  /**
   * The shape of history this recording was started with (`RECORDING_REVISION` in revisions.ts),
   * so a recording in flight keeps its shape when workers are upgraded.
   */
  revision: number;
  /** The Twilio REST task queue; a deployment that renames it passes it in here. */
  twilioTaskQueue?: string;
}

/** A recording status callback, keyed for deduplication by the webhook server. */
export interface RecordingCallback {
  eventKey: string;
  status: RecordingStatus;
  callSid?: string;
  /** Twilio's RecordingSource: RecordVerb, DialVerb, Conference, StartCallRecordingAPI… */
  twilioSource?: string;
  channels?: number;
  durationSeconds?: number;
  startTime?: string;
  errorCode?: number;
}

/** Twilio's own transcription (`transcribeCallback`), already redacted by the webhook server. */
export interface TwilioTranscription {
  eventKey: string;
  status: 'completed' | 'failed';
  /** Redacted on arrival: Twilio's unredacted text never reaches history or PostgreSQL. */
  text: string;
  redactions: Record<string, number>;
}

/** One callback inbox row, as the relay delivers it. */
export type RecordingEntry =
  | { kind: 'status'; callback: RecordingCallback }
  | { kind: 'transcription'; transcription: TwilioTranscription };

/** Who asks for a hold, a release or a purge, and why: all of it goes to the audit log. */
export interface OperatorRequest {
  actor: string;
  reason?: string;
}

/** Where a recording's pipeline is. */
export type RecordingPhase =
  | 'waiting'
  | 'storing'
  | 'transcribing'
  | 'verifying'
  | 'retained'
  | 'purged'
  | 'absent'
  | 'failed';

export interface RecordingSnapshot {
  recordingSid: string;
  callSid?: string;
  phase: RecordingPhase;
  status?: RecordingStatus;
  onHold: boolean;
  retainUntil?: string;
  callbacksSeen: number;
}

export const recordingEntriesSignal = defineSignal<[RecordingEntry[]]>('recordingEntries');
/** The retention policy of this recording's source changed: read `retain_until` again. */
export const retentionChangedSignal = defineSignal('recordingRetentionChanged');
export const legalHoldUpdate = defineUpdate<RecordingSnapshot, [OperatorRequest]>(
  'recordingLegalHold',
);
export const releaseHoldUpdate = defineUpdate<RecordingSnapshot, [OperatorRequest]>(
  'recordingReleaseHold',
);
/** Purge now, before `retain_until`; refused while on hold. */
export const purgeNowUpdate = defineUpdate<RecordingSnapshot, [OperatorRequest]>(
  'recordingPurgeNow',
);
export const recordingSnapshotQuery = defineQuery<RecordingSnapshot>('recordingSnapshot');
