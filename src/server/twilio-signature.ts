import type { FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../config';
import { HttpError } from './errors';

/**
 * The URL Twilio signed: PUBLIC_BASE_URL plus the path, or the forwarded scheme and host when the
 * request came through a configured trusted proxy (fastify's trustProxy decides that).
 */
export function signedUrl(request: FastifyRequest, config: Config): string {
  if (config.TRUSTED_PROXIES.length > 0) {
    return `${request.protocol}://${request.host}${request.url}`;
  }
  return `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${request.url}`;
}

/** Rejects a request whose X-Twilio-Signature does not match; nothing reaches Temporal before this. */
export function assertTwilioSignature(request: FastifyRequest, config: Config): void {
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature.length === 0) {
    throw new HttpError('forbidden', 'missing X-Twilio-Signature');
  }
  const params = (request.body ?? {}) as Record<string, string>;
  if (
    !twilio.validateRequest(config.TWILIO_AUTH_TOKEN, signature, signedUrl(request, config), params)
  ) {
    throw new HttpError('forbidden', 'invalid X-Twilio-Signature');
  }
}
