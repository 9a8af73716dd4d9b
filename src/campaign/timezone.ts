import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { COUNTRY_ZONES } from './country-zones';
import { AREA_CODE_ZONES } from './region-zones';

const DAY_MS = 86_400_000;

function offsetName(zone: string, at: number): string {
  return (
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? ''
  );
}

const sameClockCache = new Map<string, boolean>();

/**
 * True when the zones keep the same clock every week of the coming year: a country such as
 * Argentina lists several zones that never differ, and any of them gives the callee's time.
 */
function keepSameClock(zones: readonly string[], now: number): boolean {
  const key = zones.join(' ');
  const cached = sameClockCache.get(key);
  if (cached !== undefined) return cached;
  let same = true;
  for (let at = now; same && at < now + 366 * DAY_MS; at += 7 * DAY_MS) {
    const first = offsetName(zones[0] ?? 'UTC', at);
    same = zones.every((zone) => offsetName(zone, at) === first);
  }
  sameClockCache.set(key, same);
  return same;
}

/** Every zone a number may be in: by area code where the country spans zones, else the country's. */
export function timeZonesForNumber(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.isValid() || parsed.country === undefined) return [];
  const byCode = AREA_CODE_ZONES.get(parsed.country);
  const national = String(parsed.nationalNumber);
  if (byCode) {
    for (let length = 4; length >= 1; length -= 1) {
      const zones = byCode.get(national.slice(0, length));
      if (zones) return [...zones];
    }
  }
  return [...(COUNTRY_ZONES.get(parsed.country) ?? [])];
}

/**
 * The callee's IANA time zone from the number alone: the country, or the area code where the
 * country spans zones (NANP, Australia, Brazil, Mexico, Russia). Undefined when the number could
 * be in zones with different clocks (a mobile number in Australia or Russia, an area code that
 * straddles a boundary): calling windows must then come from a zone the contact list gives.
 */
export function timeZoneForNumber(e164: string, now = Date.now()): string | undefined {
  const zones = timeZonesForNumber(e164);
  if (zones.length === 0) return undefined;
  return keepSameClock(zones, now) ? zones[0] : undefined;
}
