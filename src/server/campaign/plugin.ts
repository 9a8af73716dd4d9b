import type { FastifyInstance, FastifyRequest } from 'fastify';
import { outboundTokenKey } from '../../campaign/webhook-token';
import { assertTwilioSignature } from '../twilio-signature';
import { voiceContext } from '../voice/context';
import { journalMode } from '../voice/journal-mode';
import { VOICE_PREFIX } from '../voice/plugin';
import { updateMode } from '../voice/update-mode';
import { answerRoute } from './answer';
import { amdRoute, smsStatusRoute, statusRoute } from './callbacks';

/**
 * The campaign family's webhooks: `/campaign/answer` (an answered outbound call), `/campaign/status`
 * and `/campaign/amd` (its callbacks) and `/sms/status` (the fallback SMS's status). Every route is
 * signed and carries a MACed token naming its attempt. Registered without a prefix: the paths are
 * absolute because `/sms/status` sits beside the SMS family's routes.
 */
export async function campaignPlugin(app: FastifyInstance): Promise<void> {
  // Actions of an answered call go to the voice family's /voice/event, like any call's.
  const ctx = voiceContext(app, VOICE_PREFIX);
  const update = updateMode(ctx);
  const strategy = app.config.WEBHOOK_MODE === 'journal' ? journalMode(ctx, update) : update;
  const key = outboundTokenKey(app.config.TWILIO_AUTH_TOKEN);
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  app.post('/campaign/answer', signed, answerRoute(ctx, strategy, key));
  app.post('/campaign/status', signed, statusRoute(app, key));
  app.post('/campaign/amd', signed, amdRoute(app, key));
  app.post('/sms/status', signed, smsStatusRoute(app, key));
  return Promise.resolve();
}
