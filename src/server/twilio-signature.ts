import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { signatureRejections } from '../metrics/webhook';
import { HttpError } from './errors';

/** Twilio signatures are base64 of an HMAC-SHA1: 28 characters; anything else is not worth hashing. */
const SIGNATURE = /^[A-Za-z0-9+/]{27}=$/;

/**
 * Our own URLs carry at most wf, step, on, st and replay. The bounds are far above that and far
 * below what a parser gives up on: Node's `querystring.parse` stops at 1,000 pairs, which is how a
 * padded query once validated against a signature over the unpadded URL.
 */
export const MAX_QUERY_LENGTH = 2048;
export const MAX_QUERY_PARAMS = 8;

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new HttpError('badRequest', 'malformed query');
  }
}

/**
 * Refuses a query no URL of ours looks like. Keys are compared decoded, as the route's parser sees
 * them, so `replay` and `repl%61y` count as the same key; a malformed escape is refused rather than
 * left to a parser's leniency.
 */
export function assertBoundedQuery(rawUrl: string): void {
  const start = rawUrl.indexOf('?');
  if (start === -1) return;
  const query = rawUrl.slice(start + 1);
  if (query.length > MAX_QUERY_LENGTH) throw new HttpError('badRequest', 'query too long');
  const pairs = query.split('&');
  if (pairs.length > MAX_QUERY_PARAMS) throw new HttpError('badRequest', 'too many parameters');
  const keys = new Set<string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = decodePart(eq === -1 ? pair : pair.slice(0, eq));
    if (eq !== -1) decodePart(pair.slice(eq + 1));
    if (key.length === 0) throw new HttpError('badRequest', 'empty query parameter');
    if (keys.has(key)) throw new HttpError('badRequest', 'repeated query parameter');
    keys.add(key);
  }
}

/**
 * Twilio's libraries accept a URL with and without the scheme's default port, since a load balancer
 * may add or drop it. Only the default port is toggled: a signature for :443 says nothing about :8443.
 */
export function portVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/is.exec(url);
  if (!match) return [url];
  const [, scheme = '', authority = '', rest = ''] = match;
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  const colon = authority.lastIndexOf(':');
  // A colon inside an IPv6 literal's brackets does not start a port.
  if (colon === -1 || colon < authority.lastIndexOf(']')) {
    return [url, `${scheme}://${authority}:${defaultPort}${rest}`];
  }
  if (authority.slice(colon + 1) === defaultPort) {
    return [url, `${scheme}://${authority.slice(0, colon)}${rest}`];
  }
  return [url];
}

/**
 * Fastify honours X-Forwarded-Proto/Host only when the socket peer is a trusted proxy, so a
 * difference between the raw and derived values means a trusted proxy rewrote them.
 */
function forwardedUrl(request: FastifyRequest, config: Config, rawUrl: string): string | undefined {
  if (config.TRUSTED_PROXIES.length === 0) return undefined;
  const socketProtocol = (request.raw.socket as { encrypted?: boolean }).encrypted
    ? 'https'
    : 'http';
  if (request.host === request.headers.host && request.protocol === socketProtocol) {
    return undefined;
  }
  return `${request.protocol}://${request.host}${rawUrl}`;
}

/**
 * The URLs Twilio may have signed: PUBLIC_BASE_URL plus the path and query exactly as received,
 * and, for a request that came through a configured trusted proxy, the forwarded scheme and host;
 * each with and without the default port. The query is never decoded or re-encoded: the signature
 * covers the bytes Twilio sent and nothing a parser makes of them.
 */
export function signedUrls(request: FastifyRequest, config: Config): string[] {
  const rawUrl = request.raw.url ?? request.url;
  const bases = [`${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${rawUrl}`];
  const forwarded = forwardedUrl(request, config, rawUrl);
  if (forwarded !== undefined) bases.push(forwarded);
  return [...new Set(bases.flatMap(portVariants))];
}

/**
 * The string Twilio signs: the URL, then every POST parameter sorted by name, name and value
 * concatenated; a repeated name contributes each of its values in sorted order. Unlike the twilio
 * package, repeated values are not deduplicated: a value sent twice must have been signed twice.
 * Undefined when the body is not a flat form.
 */
export function signedPayload(url: string, body: unknown): string | undefined {
  if (body === undefined || body === null) return url;
  if (typeof body !== 'object' || Array.isArray(body)) return undefined;
  const params = body as Record<string, unknown>;
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    const values = Array.isArray(value) ? [...(value as unknown[])].sort() : [value];
    for (const v of values) {
      if (typeof v !== 'string') return undefined;
      data += key + v;
    }
  }
  return data;
}

/** Base64 HMAC-SHA1 of the payload under the auth token, as in X-Twilio-Signature. */
export function twilioSignature(authToken: string, payload: string): string {
  return createHmac('sha1', authToken).update(payload, 'utf8').digest('base64');
}

function matches(authToken: string, signature: Buffer, url: string, body: unknown): boolean {
  const payload = signedPayload(url, body);
  if (payload === undefined) return false;
  const expected = Buffer.from(twilioSignature(authToken, payload));
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}

/**
 * Rejects a request whose X-Twilio-Signature does not match the URL exactly as received; nothing
 * reaches Temporal before this. A query no URL of ours could have is refused before any hashing.
 */
export function assertTwilioSignature(request: FastifyRequest, config: Config): void {
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature.length === 0) {
    signatureRejections.inc({ reason: 'missing' });
    throw new HttpError('forbidden', 'missing X-Twilio-Signature');
  }
  if (!SIGNATURE.test(signature)) {
    signatureRejections.inc({ reason: 'malformed' });
    throw new HttpError('forbidden', 'invalid X-Twilio-Signature');
  }
  assertBoundedQuery(request.raw.url ?? request.url);
  const given = Buffer.from(signature);
  const body: unknown = request.body;
  if (
    !signedUrls(request, config).some((url) => matches(config.TWILIO_AUTH_TOKEN, given, url, body))
  ) {
    signatureRejections.inc({ reason: 'mismatch' });
    throw new HttpError('forbidden', 'invalid X-Twilio-Signature');
  }
}
