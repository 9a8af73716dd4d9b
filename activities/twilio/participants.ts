import type { ParticipantInstance } from 'twilio/lib/rest/api/v2010/account/conference/participant';
import type { TwilioClient } from '../../src/twilio/client';
import { isNotFound, toTwilioFailure, twilioRequest } from './errors';

export interface AddParticipantInput {
  /** ConferenceSid, or the conference's friendly name (Twilio creates it if needed). */
  conference: string;
  from: string;
  to: string;
  /** A name to address the participant by later instead of its CallSid. */
  label?: string;
  statusCallback?: string;
  statusCallbackEvents?: ('initiated' | 'ringing' | 'answered' | 'completed')[];
  startConferenceOnEnter?: boolean;
  endConferenceOnExit?: boolean;
  muted?: boolean;
  timeoutSec?: number;
  /** A coach is heard only by the participant `callSidToCoach` (whisper). */
  coaching?: boolean;
  callSidToCoach?: string;
  beep?: 'true' | 'false' | 'onEnter' | 'onExit';
  /** Conference events go here; Twilio only uses the first participant's. */
  conferenceStatusCallback?: string;
  conferenceStatusCallbackEvents?: string[];
  /** `record-from-start`: only with a recording callback route to serve (see the conference README). */
  conferenceRecord?: 'record-from-start' | 'do-not-record';
  conferenceRecordingStatusCallback?: string;
  /** What a participant hears while the conference has not started (waitUrl). */
  waitUrl?: string;
}

/** A participant is addressed by its CallSid or its label. */
export interface ParticipantRef {
  conferenceSid: string;
  participant: string;
}

export interface UpdateParticipantInput extends ParticipantRef {
  muted?: boolean;
  hold?: boolean;
  holdUrl?: string;
  /** Twilio fetches HoldUrl with GET unless told otherwise. */
  holdMethod?: 'GET' | 'POST';
  /** Played to this participant only (TwiML or audio). */
  announceUrl?: string;
  coaching?: boolean;
  callSidToCoach?: string;
  endConferenceOnExit?: boolean;
}

export interface ParticipantSummary {
  callSid: string;
  conferenceSid: string;
  label: string | null;
  status: string;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
}

function summary(p: ParticipantInstance): ParticipantSummary {
  return {
    callSid: p.callSid,
    conferenceSid: p.conferenceSid,
    label: p.label ?? null,
    status: p.status,
    muted: p.muted,
    hold: p.hold,
    coaching: p.coaching,
  };
}

export function createParticipantActivities({ twilio }: { twilio: TwilioClient }) {
  return {
    /** Dials `to` into the conference. Not idempotent, like creating a call. */
    async addParticipant(input: AddParticipantInput): Promise<ParticipantSummary> {
      const participant = await twilioRequest(() =>
        twilio.conferences(input.conference).participants.create({
          from: input.from,
          to: input.to,
          label: input.label,
          statusCallback: input.statusCallback,
          statusCallbackEvent: input.statusCallbackEvents,
          startConferenceOnEnter: input.startConferenceOnEnter,
          endConferenceOnExit: input.endConferenceOnExit,
          muted: input.muted,
          timeout: input.timeoutSec,
          coaching: input.coaching,
          callSidToCoach: input.callSidToCoach,
          beep: input.beep,
          conferenceStatusCallback: input.conferenceStatusCallback,
          conferenceStatusCallbackEvent: input.conferenceStatusCallbackEvents,
          conferenceRecord: input.conferenceRecord,
          conferenceRecordingStatusCallback: input.conferenceRecordingStatusCallback,
          waitUrl: input.waitUrl,
        }),
      );
      return summary(participant);
    },

    async updateParticipant(input: UpdateParticipantInput): Promise<ParticipantSummary> {
      const { conferenceSid, participant, ...changes } = input;
      const updated = await twilioRequest(() =>
        twilio.conferences(conferenceSid).participants(participant).update(changes),
      );
      return summary(updated);
    },

    /** Ends the conference for everyone in it (`Status=completed`). */
    async endConference(conferenceSid: string): Promise<{ sid: string; status: string }> {
      const conference = await twilioRequest(() =>
        twilio.conferences(conferenceSid).update({ status: 'completed' }),
      );
      return { sid: conference.sid, status: conference.status };
    },

    /** Removes the participant (hangs up its leg); false when it had already left. */
    async removeParticipant(ref: ParticipantRef): Promise<boolean> {
      try {
        return await twilio.conferences(ref.conferenceSid).participants(ref.participant).remove();
      } catch (err) {
        if (isNotFound(err)) return false;
        throw toTwilioFailure(err);
      }
    },
  };
}
