import type { HoursNode } from './types';

interface LocalTime {
  date: string;
  day: 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
  minutes: number;
}

// Building a DateTimeFormat costs far more than using one; keep one per zone.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Wall-clock time in `timeZone`; Intl is deterministic inside the workflow sandbox. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = formatFor(timeZone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as LocalTime['day'];
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    day,
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function isOpen(node: HoursNode, at: Date, timeZone: string): boolean {
  const local = localTime(at, timeZone);
  if (node.closedDates?.includes(local.date)) return false;
  return node.open.some(
    (slot) =>
      slot.days.includes(local.day) &&
      local.minutes >= toMinutes(slot.from) &&
      local.minutes < toMinutes(slot.to),
  );
}
