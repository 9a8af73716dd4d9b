import { createHmac } from 'node:crypto';
import { epochSeconds, isFresh, macOf, verifiedBody } from '../server/tokens/mac';

/**
 * What an outbound call's webhook URLs carry: the attempt they belong to and the IVR an answer
 * runs. Minted by the attempt's activity, MACed with a key derived from the auth token, and bound
 * to the route kind, so a signed request from another call or another route cannot be replayed
 * here. Twilio's signature says Twilio sent it; the time in the token says it is still fresh.
 */
export interface OutboundToken {
  /** The attempt workflow's id. */
  attempt: string;
  /** Which try of the contact (1-based): a late callback of an earlier try is told apart. */
  tryNo: number;
  ivrId: string;
  ivrVersion: number;
}

export type OutboundRoute = 'answer' | 'status' | 'amd' | 'sms';

/**
 * A paced call is created at once, rings for at most a few minutes and Twilio ends every call after
 * 4 hours; an SMS status can trail by hours. A day covers both with Twilio's retries.
 */
export const OUTBOUND_TOKEN_TTL_SECONDS = 26 * 60 * 60;

const ATTEMPT = /^outbound-[\w-]{1,160}$/;
const IVR_ID = /^[\w.-]{1,64}$/;

export function outboundTokenKey(authToken: string): Buffer {
  return createHmac('sha256', authToken).update('switchboard outbound token v1').digest();
}

export function encodeOutboundToken(
  key: Buffer,
  route: OutboundRoute,
  token: OutboundToken,
  now: Date,
): string {
  const packed = [token.attempt, token.tryNo, token.ivrId, token.ivrVersion, epochSeconds(now)];
  const body = Buffer.from(JSON.stringify(packed)).toString('base64url');
  return `${body}.${macOf(key, ['outbound', route], body)}`;
}

/** The token if it is ours, for this route, well formed and fresh; undefined otherwise. */
export function decodeOutboundToken(
  key: Buffer,
  route: OutboundRoute,
  raw: string,
  now: Date,
): OutboundToken | undefined {
  if (raw.length > 600) return undefined;
  const body = verifiedBody(key, ['outbound', route], raw);
  if (body === undefined) return undefined;
  let packed: unknown;
  try {
    packed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(packed) || packed.length !== 5) return undefined;
  const [attempt, tryNo, ivrId, ivrVersion, issuedAt] = packed as unknown[];
  if (typeof attempt !== 'string' || !ATTEMPT.test(attempt)) return undefined;
  if (typeof ivrId !== 'string' || !IVR_ID.test(ivrId)) return undefined;
  if (!Number.isSafeInteger(tryNo) || (tryNo as number) < 1) return undefined;
  if (!Number.isSafeInteger(ivrVersion) || (ivrVersion as number) < 1) return undefined;
  if (!isFresh(issuedAt, now, OUTBOUND_TOKEN_TTL_SECONDS)) return undefined;
  return { attempt, tryNo: tryNo as number, ivrId, ivrVersion: ivrVersion as number };
}
