import type { RecordingInstance as CallRecordingInstance } from 'twilio/lib/rest/api/v2010/account/call/recording';
import type { RecordingInstance } from 'twilio/lib/rest/api/v2010/account/recording';
import type { TwilioClient } from '../../src/twilio/client';
import { isNotFound, toTwilioFailure, twilioRequest } from './errors';
import { isoOrNull } from './serialize';

/** A recording's metadata; its media is fetched by the recording workflow's own activity. */
export interface RecordingSummary {
  sid: string;
  callSid: string | null;
  conferenceSid: string | null;
  status: string;
  durationSec: number | null;
  channels: number;
  source: string;
  dateCreated: string | null;
  startTime: string | null;
}

function callRecordingSummary(rec: CallRecordingInstance): RecordingSummary {
  const duration = Number(rec.duration);
  return {
    sid: rec.sid,
    callSid: rec.callSid ?? null,
    conferenceSid: rec.conferenceSid ?? null,
    status: rec.status,
    durationSec: Number.isFinite(duration) && duration >= 0 ? duration : null,
    channels: rec.channels,
    source: rec.source,
    dateCreated: isoOrNull(rec.dateCreated),
    startTime: isoOrNull(rec.startTime),
  };
}

function summary(rec: RecordingInstance): RecordingSummary {
  const duration = Number(rec.duration);
  return {
    sid: rec.sid,
    callSid: rec.callSid ?? null,
    conferenceSid: rec.conferenceSid ?? null,
    status: rec.status,
    // Twilio reports -1 (or nothing) until the recording is complete.
    durationSec: Number.isFinite(duration) && duration >= 0 ? duration : null,
    channels: rec.channels,
    source: rec.source,
    dateCreated: isoOrNull(rec.dateCreated),
    startTime: isoOrNull(rec.startTime),
  };
}

/** `POST /Calls/{Sid}/Recordings`: what a recording started on a live call asks for. */
export interface StartCallRecordingInput {
  callSid: string;
  /** Twilio's default is dual: one party per channel. */
  channels?: 'mono' | 'dual';
  track?: 'inbound' | 'outbound' | 'both';
  statusCallback?: string;
  statusCallbackEvents?: ('in-progress' | 'completed' | 'absent')[];
}

/** `POST /Calls/{Sid}/Recordings/{Sid}`: pause, resume or stop a call's recording. */
export interface UpdateCallRecordingInput {
  callSid: string;
  /** Default `Twilio.CURRENT`: Twilio's name for the call's active recording. */
  recordingSid?: string;
  status: 'paused' | 'in-progress' | 'stopped';
  /** `skip` leaves the paused time out of the recording (card digits); Twilio's default is silence. */
  pauseBehavior?: 'skip' | 'silence';
}

export function createRecordingActivities({ twilio }: { twilio: TwilioClient }) {
  return {
    async startCallRecording(input: StartCallRecordingInput): Promise<RecordingSummary> {
      const rec = await twilioRequest(() =>
        twilio.calls(input.callSid).recordings.create({
          ...(input.channels ? { recordingChannels: input.channels } : {}),
          ...(input.track ? { recordingTrack: input.track } : {}),
          ...(input.statusCallback ? { recordingStatusCallback: input.statusCallback } : {}),
          ...(input.statusCallbackEvents
            ? { recordingStatusCallbackEvent: input.statusCallbackEvents }
            : {}),
        }),
      );
      return callRecordingSummary(rec);
    },

    /** Idempotent: pausing a paused recording or resuming a running one changes nothing. */
    async updateCallRecording(input: UpdateCallRecordingInput): Promise<RecordingSummary> {
      const rec = await twilioRequest(() =>
        twilio
          .calls(input.callSid)
          .recordings(input.recordingSid ?? 'Twilio.CURRENT')
          .update({
            status: input.status,
            ...(input.pauseBehavior ? { pauseBehavior: input.pauseBehavior } : {}),
          }),
      );
      return callRecordingSummary(rec);
    },

    async fetchRecording(recordingSid: string): Promise<RecordingSummary> {
      return summary(await twilioRequest(() => twilio.recordings(recordingSid).fetch()));
    },

    /**
     * Deletes Twilio's copy. True when this request deleted it, false when it was already gone:
     * an activity retry after a lost answer finds 20404, and that is success.
     */
    async deleteRecording(recordingSid: string): Promise<boolean> {
      try {
        return await twilio.recordings(recordingSid).remove();
      } catch (err) {
        if (isNotFound(err)) return false;
        throw toTwilioFailure(err);
      }
    },
  };
}
