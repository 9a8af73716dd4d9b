import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertTwilioSignature } from '../twilio-signature';
import { voiceContext } from './context';
import { eventHandler } from './event';
import { inboundHandler } from './inbound';
import { journalMode } from './journal-mode';
import { statusHandler } from './status';
import { updateMode } from './update-mode';

/** Where the voice family is mounted; Twilio numbers point their Voice URL at `${prefix}/inbound`. */
export const VOICE_PREFIX = '/voice';

/**
 * The voice family's webhooks: `/inbound` (a call's first request), `/event` (Gather, Dial and
 * Record actions) and `/status` (call status callbacks). Every route checks the Twilio signature
 * before anything else runs.
 */
export async function voicePlugin(app: FastifyInstance): Promise<void> {
  const ctx = voiceContext(app, VOICE_PREFIX);
  const update = updateMode(ctx);
  const journal = journalMode(ctx, update);
  const inbound = app.config.WEBHOOK_MODE === 'journal' ? journal : update;
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  app.post('/inbound', signed, inboundHandler(ctx, inbound, `${VOICE_PREFIX}/inbound`));
  app.post('/event', signed, eventHandler(ctx, { journal, update }));
  app.post('/status', signed, statusHandler(ctx));
  return Promise.resolve();
}
