import type { FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../config';
import { HttpError } from './errors';

/** Twilio signatures are base64 of an HMAC-SHA1: 28 characters; anything else is not worth hashing. */
const SIGNATURE = /^[A-Za-z0-9+/]{27}=$/;

/**
 * Fastify honours X-Forwarded-Proto/Host only when the socket peer is a trusted proxy, so a
 * difference between the raw and derived values means a trusted proxy rewrote them.
 */
function forwardedUrl(request: FastifyRequest, config: Config): string | undefined {
  if (config.TRUSTED_PROXIES.length === 0) return undefined;
  const socketProtocol = (request.raw.socket as { encrypted?: boolean }).encrypted
    ? 'https'
    : 'http';
  if (request.host === request.headers.host && request.protocol === socketProtocol) {
    return undefined;
  }
  return `${request.protocol}://${request.host}${request.url}`;
}

/**
 * The URLs Twilio may have signed: PUBLIC_BASE_URL plus the path, and, for a request that came
 * through a configured trusted proxy, the forwarded scheme and host.
 */
export function signedUrls(request: FastifyRequest, config: Config): string[] {
  const urls = [`${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${request.url}`];
  const forwarded = forwardedUrl(request, config);
  if (forwarded !== undefined && forwarded !== urls[0]) urls.push(forwarded);
  return urls;
}

function matches(token: string, signature: string, url: string, params: object): boolean {
  try {
    return twilio.validateRequest(token, signature, url, params as Record<string, string>);
  } catch {
    // The twilio package normalises the URL with `new URL`, which throws on a hostile Host.
    return false;
  }
}

/** Rejects a request whose X-Twilio-Signature does not match; nothing reaches Temporal before this. */
export function assertTwilioSignature(request: FastifyRequest, config: Config): void {
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature.length === 0) {
    throw new HttpError('forbidden', 'missing X-Twilio-Signature');
  }
  const body: unknown = request.body ?? {};
  const params = typeof body === 'object' && body !== null ? body : undefined;
  if (
    !SIGNATURE.test(signature) ||
    params === undefined ||
    !signedUrls(request, config).some((url) =>
      matches(config.TWILIO_AUTH_TOKEN, signature, url, params),
    )
  ) {
    throw new HttpError('forbidden', 'invalid X-Twilio-Signature');
  }
}
