import { createHmac, timingSafeEqual } from 'node:crypto';

/** 22 base64url characters: 132 bits of HMAC-SHA256, short enough to ride in every action URL. */
export const MAC_LENGTH = 22;

/** The MAC of a token body bound to its context (call, step); each part is length-delimited. */
export function macOf(key: Buffer, context: readonly string[], body: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([...context, body]))
    .digest('base64url')
    .slice(0, MAC_LENGTH);
}

/** Splits `body.mac` and returns the body if the MAC is the one for this key and context. */
export function verifiedBody(
  key: Buffer,
  context: readonly string[],
  raw: string,
): string | undefined {
  const dot = raw.indexOf('.');
  if (dot <= 0 || raw.indexOf('.', dot + 1) !== -1) return undefined;
  const body = raw.slice(0, dot);
  const mac = Buffer.from(raw.slice(dot + 1));
  const expected = Buffer.from(macOf(key, context, body));
  return mac.length === expected.length && timingSafeEqual(mac, expected) ? body : undefined;
}

/** Seconds since the epoch: token ages are judged in whole seconds. */
export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** A minute of clock skew between webhook servers is tolerated; a token from later is not ours. */
export const MAX_FUTURE_SECONDS = 60;

export function isFresh(issuedAt: unknown, now: Date, ttlSeconds: number): boolean {
  if (typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt)) return false;
  const age = epochSeconds(now) - issuedAt;
  return age <= ttlSeconds && age >= -MAX_FUTURE_SECONDS;
}
