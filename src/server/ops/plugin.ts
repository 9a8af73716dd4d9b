import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertTwilioSignature } from '../twilio-signature';

/** Where operations routes are mounted. */
export const OPS_PREFIX = '/ops';

/**
 * `POST /ops/signature-check` answers 204 to a request signed for PUBLIC_BASE_URL, through the same
 * signature check as the voice webhooks: `npm run doctor` sends one through the public URL to learn
 * whether the proxies in front of the server keep what Twilio signs (scheme, host, path, query).
 */
export async function opsPlugin(app: FastifyInstance): Promise<void> {
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  app.post('/signature-check', signed, async (_request, reply) => reply.code(204).send());
  return Promise.resolve();
}
