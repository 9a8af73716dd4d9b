import { maxInWindow } from '../workflows/campaign/pacing';
import { isWithinWindow, type DailyWindow } from '../workflows/campaign/window';

/** A call as the simulator (Twilio) recorded its creation. */
export interface CreatedCall {
  to: string;
  createdAt: number;
}

export interface ContactRow {
  phone: string;
  timeZone: string;
  outcome: string | null;
  attempts: number;
}

export interface CampaignFigures {
  contacts: number;
  calls: number;
  achievedCps: number;
  maxCallsInOneSecond: number;
  duplicates: number;
  unreached: number;
  outsideWindow: number;
}

/**
 * The figures the issue names, from what Twilio saw and what the campaign recorded. The dialing
 * phase runs from the first create to the last contact's first create: retries trail after it at
 * their own spacing and say nothing about the pacing.
 */
export function campaignFigures(
  calls: CreatedCall[],
  contacts: ContactRow[],
  window: DailyWindow,
): CampaignFigures {
  const byPhone = new Map<string, number[]>();
  for (const c of calls) byPhone.set(c.to, [...(byPhone.get(c.to) ?? []), c.createdAt]);
  const firsts = [...byPhone.values()].map((times) => Math.min(...times));
  const start = Math.min(...calls.map((c) => c.createdAt));
  const end = Math.max(...firsts);
  const inPhase = calls.filter((c) => c.createdAt <= end).length;
  const achievedCps = end > start ? (inPhase - 1) / ((end - start) / 1000) : 0;
  const zoneOf = new Map(contacts.map((c) => [c.phone, c.timeZone]));
  let duplicates = 0;
  for (const contact of contacts) {
    const placed = byPhone.get(contact.phone)?.length ?? 0;
    duplicates += Math.max(0, placed - contact.attempts);
  }
  return {
    contacts: contacts.length,
    calls: calls.length,
    achievedCps: Math.round(achievedCps * 100) / 100,
    maxCallsInOneSecond: maxInWindow(calls.map((c) => c.createdAt)),
    duplicates,
    unreached: contacts.filter((c) => c.outcome === null).length,
    outsideWindow: calls.filter(
      (c) => !isWithinWindow(c.createdAt, zoneOf.get(c.to) ?? 'UTC', window),
    ).length,
  };
}
