import type { RecordingSource } from './definitions';

/**
 * Pure retention rules, shared by the workflow (when to purge) and the CLI (what a policy change
 * does to recordings already stored).
 */

/** Twilio's RecordingSource values, mapped to the policy that keeps them. */
export function sourceOf(twilioSource: string | undefined): RecordingSource {
  switch (twilioSource) {
    case 'RecordVerb':
      return 'voicemail';
    case 'Conference':
      return 'conference';
    default:
      // DialVerb, StartCallRecordingAPI, OutboundAPI, Trunking: a recording of the call itself.
      return 'call';
  }
}

/** When a recording stored at `storedAt` may be purged under a policy of `retainSeconds`. */
export function retainUntil(storedAt: string, retainSeconds: number): string {
  const stored = Date.parse(storedAt);
  if (Number.isNaN(stored)) throw new Error(`bad stored time "${storedAt}"`);
  if (!Number.isFinite(retainSeconds) || retainSeconds < 0) {
    throw new Error(`bad retention "${retainSeconds}"`);
  }
  return new Date(stored + retainSeconds * 1000).toISOString();
}

/** How long to sleep before purging; 0 when due. A hold never purges. */
export function msUntilPurge(
  nowMs: number,
  until: string | undefined,
  onHold: boolean,
): number | 'never' {
  if (onHold || until === undefined) return 'never';
  return Math.max(0, Date.parse(until) - nowMs);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 };

/** Parses a retention such as `30d`, `12h`, `90s` or `7y` into seconds. */
export function parseRetention(text: string): number {
  const match = /^(\d{1,6})([smhdy])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a retention such as 30d, 12h, 90s or 7y`);
  return Number(match[1]) * UNITS[match[2]!]!;
}
