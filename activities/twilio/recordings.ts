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

export function createRecordingActivities({ twilio }: { twilio: TwilioClient }) {
  return {
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
