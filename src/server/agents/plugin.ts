import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { clientRoute } from './client';
import { tokenRoute } from './token';

/**
 * Browser phones, mounted beside the voice plugin under `/voice`: `/token` hands an agent a Voice
 * SDK access token, `/client` answers the TwiML App for calls agents place.
 */
export async function agentsPlugin(app: FastifyInstance): Promise<void> {
  // Limits are created per route below; nothing else under this prefix is limited.
  if (!app.hasDecorator('createRateLimit')) await app.register(rateLimit, { global: false });
  tokenRoute(app);
  clientRoute(app);
}
