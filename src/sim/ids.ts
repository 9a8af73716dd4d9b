import { randomHex, type Random } from './random';

/** Twilio sids are a two-letter type prefix and 32 lowercase hex digits. */
export type SidPrefix = 'CA' | 'SM' | 'MG' | 'RE' | 'CF' | 'TR' | 'PN' | 'QU' | 'BY';

export function newSid(prefix: SidPrefix, random: Random): string {
  return `${prefix}${randomHex(random, 32)}`;
}

export const SID_PATTERN = /^[A-Z]{2}[0-9a-f]{32}$/;
