import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { createConferenceActivities } from '../../../activities/conference/audit';
import { CONFERENCE_PREFIX } from '../../conference/start';
import { formParams, optional, patterns } from '../twilio-params';
import { conferenceNameOf } from './input';

const RecordingSid = patterns.RecordingSid;

/**
 * `POST /voice/conference/voicemail?conference=…`: where a customer goes when no agent is left to
 * take them (a failed transfer after agent A has left). The message is recorded by Twilio; its
 * RecordingSid is audited against the conference, and its lifecycle is the recording family's.
 */
export async function voicemailHandler(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const name = conferenceNameOf(
    (request.query as Record<string, string | undefined>).conference,
    'conference',
  );
  const params = formParams(request.body);
  const response = new twilio.twiml.VoiceResponse();
  const recordingSid = optional(params, 'RecordingSid', RecordingSid);
  if (recordingSid) {
    const callSid = optional(params, 'CallSid', patterns.CallSid) ?? null;
    await createConferenceActivities({ db: request.server.db }).auditConference({
      key: `voicemail:${recordingSid}`,
      conferenceName: name,
      conferenceSid: null,
      action: 'voicemail-recorded',
      participant: 'customer',
      callSid,
      actor: 'customer',
      detail: { recordingSid },
      at: new Date().toISOString(),
    });
    response.say('Thank you. Goodbye.');
    response.hangup();
  } else {
    const base = request.server.config.PUBLIC_BASE_URL.replace(/\/$/, '');
    response.say(
      'Sorry, no one is available to take your call. Please leave a message after the tone.',
    );
    response.record({
      action: `${base}${CONFERENCE_PREFIX}/voicemail?conference=${encodeURIComponent(name)}`,
      method: 'POST',
      maxLength: 120,
      playBeep: true,
      finishOnKey: '#',
    });
    response.say('We did not get a message. Goodbye.');
    response.hangup();
  }
  return reply.type('text/xml').send(response.toString());
}
