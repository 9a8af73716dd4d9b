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
