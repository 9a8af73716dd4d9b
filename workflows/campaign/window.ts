/**
 * Calling windows in the callee's local wall-clock time. Pure and workflow-safe: only `Intl`,
 * which Temporal's sandbox provides, and time passed in as epoch milliseconds.
 */

/** A daily window of local wall-clock time, `start` inclusive and `end` exclusive, as `HH:MM`. */
export interface DailyWindow {
  start: string;
  end: string;
}

/** 47 CFR §64.1200(c)(1): no telephone solicitation before 8 am or after 9 pm, called party's time. */
export const DEFAULT_WINDOW: DailyWindow = { start: '08:00', end: '21:00' };

const WINDOW = /^\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*$/;

function minutesOf(hhmm: string): number {
  const [h = '', m = ''] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function hhmm(minutes: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * `"08:00-21:00"` → `{ start: '08:00', end: '21:00' }`. The end may be `24:00` (midnight); a
 * window never wraps past midnight, since a quiet-hours rule names one day's morning and evening.
 */
export function parseWindow(text: string): DailyWindow {
  const match = WINDOW.exec(text);
  if (!match) throw new Error(`calling window "${text}" must look like 08:00-21:00`);
  const [, sh = '', sm = '', eh = '', em = ''] = match;
  const start = Number(sh) * 60 + Number(sm);
  const end = Number(eh) * 60 + Number(em);
  if (Number(sm) > 59 || Number(em) > 59 || start >= 24 * 60 || end > 24 * 60) {
    throw new Error(`calling window "${text}" has a time that is not on a 24-hour clock`);
  }
  if (start >= end) {
    throw new Error(
      `calling window "${text}" must start before it ends (no window spans midnight)`,
    );
  }
  return { start: hhmm(start), end: hhmm(end) };
}

/** The part of the day both windows allow; throws when they share no minute. */
export function stricterWindow(a: DailyWindow, b: DailyWindow): DailyWindow {
  const start = Math.max(minutesOf(a.start), minutesOf(b.start));
  const end = Math.min(minutesOf(a.end), minutesOf(b.end));
  if (start >= end) {
    throw new Error(
      `calling windows ${a.start}-${a.end} and ${b.start}-${b.end} share no time: nobody could be called`,
    );
  }
  return { start: hhmm(start), end: hhmm(end) };
}

interface Wall {
  year: number;
  month: number;
  day: number;
  /** Milliseconds since local midnight. */
  msOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Error(`unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(epochMs: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    msOfDay:
      ((parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)) * 1000 + ms,
  };
}

/** Local time minus UTC at an instant, in milliseconds (e.g. -4 h in New York in summer). */
function offsetAt(epochMs: number, timeZone: string): number {
  const wall = wallClock(epochMs, timeZone);
  return Date.UTC(wall.year, wall.month - 1, wall.day) + wall.msOfDay - epochMs;
}

/** True when the local time of `epochMs` in `timeZone` is inside the window. */
export function isWithinWindow(epochMs: number, timeZone: string, w: DailyWindow): boolean {
  const { msOfDay } = wallClock(epochMs, timeZone);
  return msOfDay >= minutesOf(w.start) * 60_000 && msOfDay < minutesOf(w.end) * 60_000;
}

/**
 * The first instant, on the local date given as a UTC-midnight timestamp, whose wall-clock time
 * is at or past `minutes`. When a DST change skips that time (02:30 on a spring-forward day), it
 * is the instant the clocks jump; when a fall-back repeats it, the first of the two not before
 * `notBefore`.
 */
function firstInstantAtOrAfter(
  dayUtc: number,
  minutes: number,
  timeZone: string,
  notBefore: number,
): number {
  const naive = dayUtc + minutes * 60_000;
  // Offsets a day either side bracket any transition on this date.
  const candidates = [
    naive - offsetAt(naive - 86_400_000, timeZone),
    naive - offsetAt(naive + 86_400_000, timeZone),
    naive - offsetAt(naive, timeZone),
  ].sort((x, y) => x - y);
  const reaches = (t: number): boolean => {
    const wall = wallClock(t, timeZone);
    const day = Date.UTC(wall.year, wall.month - 1, wall.day);
    return day > dayUtc || (day === dayUtc && wall.msOfDay >= minutes * 60_000);
  };
  const exact = candidates.find((t) => t >= notBefore && offsetAt(t, timeZone) === naive - t);
  if (exact !== undefined) return exact;
  // Skipped: the wall clock jumps over `minutes` somewhere between the bracketing candidates.
  let lo = (candidates[0] ?? naive) - 86_400_000;
  let hi = candidates[candidates.length - 1] ?? naive;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return hi - (hi % 1000);
}

/**
 * When the window next opens for someone in `timeZone`: `epochMs` itself when it is open now.
 * Computed on the local calendar, so a DST change between now and the opening cannot shift it.
 */
export function nextWindowOpening(epochMs: number, timeZone: string, w: DailyWindow): number {
  if (isWithinWindow(epochMs, timeZone, w)) return epochMs;
  const now = wallClock(epochMs, timeZone);
  const today = Date.UTC(now.year, now.month - 1, now.day);
  for (let days = 0; days < 4; days += 1) {
    const day = today + days * 86_400_000;
    const opening = firstInstantAtOrAfter(day, minutesOf(w.start), timeZone, epochMs);
    // Inside the window unless a transition skipped the day's window whole.
    if (opening >= epochMs && isWithinWindow(opening, timeZone, w)) return opening;
  }
  throw new Error(`no opening of ${w.start}-${w.end} in ${timeZone} within four days`);
}

/**
 * A stricter window for some callees. A rule applies when the callee's number starts with one of
 * `prefixes` (E.164, e.g. `+1305` for a Florida area code, `+33` for France) or their time zone is
 * one of `timeZones`. Matching on prefixes and zones, not parsed numbers, keeps it workflow-safe.
 */
export interface RegionWindowRule {
  /** Shown in logs and the campaign's status: why a contact's window is narrower. */
  label: string;
  prefixes: string[];
  timeZones: string[];
  window: DailyWindow;
}

/** The stricter of every rule that applies to this callee; undefined when none does. */
export function regionalWindow(
  timeZone: string,
  phone: string,
  rules: RegionWindowRule[],
): DailyWindow | undefined {
  let result: DailyWindow | undefined;
  for (const rule of rules) {
    const applies =
      rule.timeZones.includes(timeZone) || rule.prefixes.some((p) => phone.startsWith(p));
    if (applies) result = result ? stricterWindow(result, rule.window) : rule.window;
  }
  return result;
}
