import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertTwilioSignature } from '../twilio-signature';
import { conferenceStatusHandler, participantStatusHandler } from './callbacks';
import { voicemailHandler } from './voicemail';

export { CONFERENCE_PREFIX } from '../../conference/start';

/**
 * The conference family's webhooks: `/status` (conference status callbacks), `/participant-status`
 * (call status of the legs a conference dials) and `/voicemail` (TwiML for a customer no agent can
 * take). Every route checks the Twilio signature before anything else runs.
 */
export async function conferencePlugin(app: FastifyInstance): Promise<void> {
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  app.post('/status', signed, conferenceStatusHandler);
  app.post('/participant-status', signed, participantStatusHandler);
  app.post('/voicemail', signed, voicemailHandler);
  return Promise.resolve();
}
