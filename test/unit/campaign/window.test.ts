import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW,
  isWithinWindow,
  nextWindowOpening,
  parseWindow,
  regionalWindow,
  stricterWindow,
  type RegionWindowRule,
} from '../../../workflows/campaign/window';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseWindow', () => {
  it('reads HH:MM-HH:MM', () => {
    expect(parseWindow('08:00-21:00')).toEqual({ start: '08:00', end: '21:00' });
    expect(parseWindow(' 09:30 - 24:00 ')).toEqual({ start: '09:30', end: '24:00' });
  });
  it.each(['8-21', '08:00', '21:00-08:00', '08:00-08:00', '08:60-21:00', '25:00-26:00', ''])(
    'refuses %j with a clear message',
    (text) => {
      expect(() => parseWindow(text)).toThrow(/calling window/);
    },
  );
});

describe('stricterWindow', () => {
  it('keeps the later start and the earlier end', () => {
    expect(stricterWindow(parseWindow('08:00-21:00'), parseWindow('09:00-20:00'))).toEqual({
      start: '09:00',
      end: '20:00',
    });
    expect(stricterWindow(parseWindow('10:00-21:00'), parseWindow('08:00-20:00'))).toEqual({
      start: '10:00',
      end: '20:00',
    });
  });
  it('refuses windows that share no time', () => {
    expect(() => stricterWindow(parseWindow('08:00-10:00'), parseWindow('10:00-12:00'))).toThrow(
      /share no time/,
    );
  });
});

describe('isWithinWindow', () => {
  it('uses the callee’s local time, not UTC', () => {
    // 01:30 UTC is 20:30 the evening before in New York (EST, -5).
    expect(isWithinWindow(at('2026-01-15T01:30:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
      true,
    );
    // 02:30 UTC is 21:30 in New York: too late, though 02:30 is "night" in UTC either way.
    expect(isWithinWindow(at('2026-01-15T02:30:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
      false,
    );
  });
  it('is start-inclusive and end-exclusive', () => {
    expect(isWithinWindow(at('2026-01-15T13:00:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
      true,
    );
    expect(isWithinWindow(at('2026-01-15T12:59:59Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
      false,
    );
    expect(isWithinWindow(at('2026-01-16T01:59:59Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
      true,
    );
    expect(isWithinWindow(at('2026-01-16T02:00:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
      false,
    );
  });
  it('handles half-hour and quarter-hour offsets', () => {
    // Kolkata is +05:30: 02:29 UTC is 07:59 there, 02:30 UTC is 08:00.
    expect(isWithinWindow(at('2026-06-01T02:29:00Z'), 'Asia/Kolkata', DEFAULT_WINDOW)).toBe(false);
    expect(isWithinWindow(at('2026-06-01T02:30:00Z'), 'Asia/Kolkata', DEFAULT_WINDOW)).toBe(true);
    // Kathmandu is +05:45.
    expect(isWithinWindow(at('2026-06-01T02:14:00Z'), 'Asia/Kathmandu', DEFAULT_WINDOW)).toBe(
      false,
    );
    expect(isWithinWindow(at('2026-06-01T02:15:00Z'), 'Asia/Kathmandu', DEFAULT_WINDOW)).toBe(true);
  });
  it('names an unknown time zone', () => {
    expect(() => isWithinWindow(0, 'Mars/Olympus', DEFAULT_WINDOW)).toThrow(/Mars\/Olympus/);
  });
});

describe('nextWindowOpening', () => {
  it('is now when the window is open', () => {
    const now = at('2026-01-15T15:00:00Z');
    expect(nextWindowOpening(now, 'America/New_York', DEFAULT_WINDOW)).toBe(now);
  });
  it('is 08:00 local the next morning after the window closed', () => {
    expect(
      iso(nextWindowOpening(at('2026-01-15T03:00:00Z'), 'America/New_York', DEFAULT_WINDOW)),
    ).toBe('2026-01-15T13:00:00.000Z');
  });
  it('is 08:00 local the same day before the window opened', () => {
    expect(
      iso(nextWindowOpening(at('2026-01-15T10:00:00Z'), 'America/New_York', DEFAULT_WINDOW)),
    ).toBe('2026-01-15T13:00:00.000Z');
  });

  describe('US spring forward (America/New_York, 2026-03-08, 02:00 EST → 03:00 EDT)', () => {
    it('opens at 08:00 EDT, 12:00 UTC, when waiting from the evening before', () => {
      // 21:30 EST on the 7th.
      expect(
        iso(nextWindowOpening(at('2026-03-08T02:30:00Z'), 'America/New_York', DEFAULT_WINDOW)),
      ).toBe('2026-03-08T12:00:00.000Z');
    });
    it('closes at 21:00 EDT, 01:00 UTC', () => {
      expect(isWithinWindow(at('2026-03-09T00:59:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
        true,
      );
      expect(isWithinWindow(at('2026-03-09T01:00:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
        false,
      );
    });
    it('opens a window that begins inside the skipped hour when the clocks jump', () => {
      const w = parseWindow('02:30-21:00');
      // 01:15 EST = 06:15 UTC; 02:30 does not exist; the clocks reach 03:00 EDT at 07:00 UTC.
      expect(iso(nextWindowOpening(at('2026-03-08T06:15:00Z'), 'America/New_York', w))).toBe(
        '2026-03-08T07:00:00.000Z',
      );
      expect(isWithinWindow(at('2026-03-08T06:59:59Z'), 'America/New_York', w)).toBe(false);
      expect(isWithinWindow(at('2026-03-08T07:00:00Z'), 'America/New_York', w)).toBe(true);
    });
  });

  describe('US fall back (America/New_York, 2026-11-01, 02:00 EDT → 01:00 EST)', () => {
    it('opens at 08:00 EST, 13:00 UTC', () => {
      // 22:00 EDT on 31 October.
      expect(
        iso(nextWindowOpening(at('2026-11-01T02:00:00Z'), 'America/New_York', DEFAULT_WINDOW)),
      ).toBe('2026-11-01T13:00:00.000Z');
      expect(isWithinWindow(at('2026-11-01T12:59:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
        false,
      );
    });
    it('closes at 21:00 EST, 02:00 UTC', () => {
      expect(isWithinWindow(at('2026-11-02T01:59:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
        true,
      );
      expect(isWithinWindow(at('2026-11-02T02:00:00Z'), 'America/New_York', DEFAULT_WINDOW)).toBe(
        false,
      );
    });
    it('opens a window beginning in the repeated hour at its first occurrence, or its second', () => {
      const w = parseWindow('01:30-21:00');
      // 00:45 EDT → 01:30 EDT (05:30 UTC), the first 01:30.
      expect(iso(nextWindowOpening(at('2026-11-01T04:45:00Z'), 'America/New_York', w))).toBe(
        '2026-11-01T05:30:00.000Z',
      );
      // 01:10 EST (the second 01:10, 06:10 UTC): the window was open at 01:30 EDT and 01:59 EDT,
      // then the clocks fell back to 01:00 EST: it opens again at 01:30 EST (06:30 UTC).
      expect(iso(nextWindowOpening(at('2026-11-01T06:10:00Z'), 'America/New_York', w))).toBe(
        '2026-11-01T06:30:00.000Z',
      );
    });
  });

  describe('southern hemisphere (Australia/Sydney)', () => {
    it('spring forward, 2026-10-04 02:00 AEST → 03:00 AEDT: opens at 08:00 AEDT (21:00 UTC)', () => {
      // 22:00 AEST on 3 October = 12:00 UTC.
      expect(
        iso(nextWindowOpening(at('2026-10-03T12:00:00Z'), 'Australia/Sydney', DEFAULT_WINDOW)),
      ).toBe('2026-10-03T21:00:00.000Z');
    });
    it('fall back, 2026-04-05 03:00 AEDT → 02:00 AEST: opens at 08:00 AEST (22:00 UTC)', () => {
      // 22:00 AEDT on 4 April = 11:00 UTC.
      expect(
        iso(nextWindowOpening(at('2026-04-04T11:00:00Z'), 'Australia/Sydney', DEFAULT_WINDOW)),
      ).toBe('2026-04-04T22:00:00.000Z');
    });
  });

  it('handles half-hour zones (Asia/Kolkata +05:30, Australia/Adelaide +09:30/+10:30)', () => {
    expect(iso(nextWindowOpening(at('2026-06-01T18:00:00Z'), 'Asia/Kolkata', DEFAULT_WINDOW))).toBe(
      '2026-06-02T02:30:00.000Z',
    );
    // Adelaide springs forward on 2026-10-04 too: 08:00 ACDT is 21:30 UTC the day before.
    expect(
      iso(nextWindowOpening(at('2026-10-03T12:00:00Z'), 'Australia/Adelaide', DEFAULT_WINDOW)),
    ).toBe('2026-10-03T21:30:00.000Z');
  });

  it('never returns a time before now or outside the window (every 7 minutes for a year)', () => {
    const w = parseWindow('02:30-21:00');
    for (const zone of ['America/New_York', 'Australia/Lord_Howe', 'Europe/London']) {
      for (
        let t = at('2026-01-01T00:00:00Z');
        t < at('2027-01-01T00:00:00Z');
        t += 7 * 60_000 * 97
      ) {
        const opening = nextWindowOpening(t, zone, w);
        expect(opening).toBeGreaterThanOrEqual(t);
        expect(isWithinWindow(opening, zone, w)).toBe(true);
        expect(opening - t).toBeLessThan(26 * 3_600_000);
        if (opening > t) expect(isWithinWindow(opening - 1000, zone, w)).toBe(false);
      }
    }
  });
});

describe('regionalWindow', () => {
  const rules: RegionWindowRule[] = [
    {
      label: 'Florida',
      prefixes: ['+1305', '+1786'],
      timeZones: [],
      window: parseWindow('08:00-20:00'),
    },
    {
      label: 'France',
      prefixes: ['+33'],
      timeZones: ['Europe/Paris'],
      window: parseWindow('10:00-20:00'),
    },
    { label: 'Late start', prefixes: ['+1305'], timeZones: [], window: parseWindow('09:00-21:00') },
  ];
  it('is undefined where no rule applies', () => {
    expect(regionalWindow('America/Chicago', '+13125550100', rules)).toBeUndefined();
  });
  it('applies by prefix and by time zone', () => {
    expect(regionalWindow('America/New_York', '+17865550100', rules)).toEqual({
      start: '08:00',
      end: '20:00',
    });
    expect(regionalWindow('Europe/Paris', '+447700900123', rules)).toEqual({
      start: '10:00',
      end: '20:00',
    });
  });
  it('is the stricter of every rule that applies', () => {
    expect(regionalWindow('America/New_York', '+13055550100', rules)).toEqual({
      start: '09:00',
      end: '20:00',
    });
  });
});
