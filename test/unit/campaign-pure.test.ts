import { describe, expect, it } from 'vitest';
import { campaignFigures } from '../../bench/campaign-metrics';
import { createTwilioCallActivities } from '../../activities/twilio/calls';
import {
  csvField,
  parseDuration,
  parseRehearsal,
  progressBar,
} from '../../src/cli/campaign-format';
import { rehearsalAllowed } from '../../src/campaign/config';
import type { TwilioClient } from '../../src/twilio/client';
import {
  decodeOutboundToken,
  encodeOutboundToken,
  outboundTokenKey,
} from '../../src/campaign/webhook-token';
import { outcomeOfTry, shouldRetry, wantsSms } from '../../workflows/attempt/outcome';
import { voicemailTwiml } from '../../workflows/attempt/twiml';
import { claimSlot, intervalMs, maxInWindow } from '../../workflows/campaign/pacing';
import { emptyProgress, etaSeconds, withOutcome } from '../../workflows/campaign/progress';
import { CampaignState } from '../../workflows/campaign/state';

describe('pacing', () => {
  it('spaces slots so that cps creations, each up to the tolerance late, fit no one-second window', () => {
    for (const cps of [1, 10, 25, 50, 100]) {
      const tolerance = 20;
      const step = intervalMs(cps, tolerance);
      const clock = [{ scope: 'a', nextAt: 0, intervalMs: step }];
      const creates: number[] = [];
      for (let i = 0; i < 500; i += 1) {
        const slot = claimSlot(clock, 0, tolerance);
        clock[0] = slot.next[0]!;
        // Worst case: alternately on time and as late as allowed, in whole milliseconds.
        creates.push(i % 2 ? slot.notAfter : slot.slotAt);
        expect(slot.notAfter).toBeGreaterThanOrEqual(slot.slotAt);
      }
      expect(maxInWindow(creates)).toBeLessThanOrEqual(cps);
      expect(1000 / step).toBeGreaterThanOrEqual(cps * 0.98);
    }
  });

  it('refuses a rate that is not positive', () => {
    expect(() => intervalMs(0, 20)).toThrow(/positive/);
  });

  it('claims the latest of now and every clock, and moves each clock by its own interval', () => {
    const { slotAt, notAfter, next } = claimSlot(
      [
        { scope: 'account', nextAt: 1000, intervalMs: 100 },
        { scope: 'campaign', nextAt: 1500, intervalMs: 250 },
      ],
      1200,
      20,
    );
    expect(slotAt).toBe(1500);
    expect(notAfter).toBe(1520);
    expect(next.map((c) => c.nextAt)).toEqual([1600, 1750]);
    expect(claimSlot([{ scope: 'a', nextAt: 0, intervalMs: 10 }], 5000.4, 20)).toMatchObject({
      slotAt: 5001,
      notAfter: 5020,
    });
  });

  it('counts the most instants in any sliding second, half-open', () => {
    expect(maxInWindow([0, 999, 1000, 1999])).toBe(2);
    expect(maxInWindow([0, 500, 999, 1000])).toBe(3);
    expect(maxInWindow([])).toBe(0);
  });
});

describe('retry budget and outcomes', () => {
  it('retries busy and no-answer within one budget of calls, never failed or answered', () => {
    expect(shouldRetry('busy', 1, 3)).toBe(true);
    expect(shouldRetry('no-answer', 2, 3)).toBe(true);
    expect(shouldRetry('no-answer', 3, 3)).toBe(false);
    expect(shouldRetry('failed', 1, 3)).toBe(false);
    expect(shouldRetry('answered', 1, 3)).toBe(false);
  });

  it('tells a machine from a human by AnsweredBy', () => {
    expect(outcomeOfTry('completed', 'human')).toBe('answered');
    expect(outcomeOfTry('completed', undefined)).toBe('answered');
    expect(outcomeOfTry('completed', 'machine_end_beep')).toBe('machine');
    expect(outcomeOfTry('completed', 'fax')).toBe('machine');
    expect(outcomeOfTry('busy', undefined)).toBe('busy');
  });

  it('sends the SMS fallback only after a final busy, no-answer or failed', () => {
    expect(['busy', 'no-answer', 'failed'].every((o) => wantsSms(o as 'busy'))).toBe(true);
    expect(wantsSms('answered') || wantsSms('machine') || wantsSms('suppressed')).toBe(false);
  });

  it('escapes the voicemail text for XML', () => {
    expect(voicemailTwiml('Tom & <Jerry>')).toContain('<Say>Tom &amp; &lt;Jerry&gt;</Say>');
  });
});

describe('progress', () => {
  it('folds outcomes in and estimates the time left from the rate so far', () => {
    let p = emptyProgress(4);
    p = withOutcome(p, 'answered', 1, false);
    p = withOutcome(p, 'no-answer', 3, true);
    expect(p).toMatchObject({ done: 2, dialed: 4, answered: 1, noAnswer: 1, smsSent: 1 });
    expect(etaSeconds(p, 0, 10_000)).toBe(10);
    expect(etaSeconds(emptyProgress(3), 0, 10_000)).toBeUndefined();
  });
});

describe('campaign CLI formats', () => {
  it('parses durations and refuses nonsense', () => {
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('30')).toBe(30);
    expect(() => parseDuration('soon')).toThrow(/duration/);
    expect(() => parseDuration('0s')).toThrow(/longer/);
  });

  it('turns --rehearse-at into a shift of the window clock, and wants the instant’s offset', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(parseRehearsal('2027-03-14T07:59:30-04:00', now)).toBe(
      Date.parse('2027-03-14T11:59:30Z') - now,
    );
    expect(parseRehearsal('2026-12-03T13:00:00Z', now)).toBe(3600_000);
    expect(() => parseRehearsal('2027-03-14T07:59:30', now)).toThrow(/instant such as/);
    expect(() => parseRehearsal('2027-02-30T07:59:30Z', now)).toThrow(/valid date/);
    expect(rehearsalAllowed({ TWILIO_API_BASE_URL: '' })).toBe(false);
    expect(rehearsalAllowed({ TWILIO_API_BASE_URL: 'http://127.0.0.1:3100' })).toBe(true);
  });

  it('draws a bar and quotes CSV fields', () => {
    expect(progressBar(5, 10, 10)).toBe('[█████░░░░░]  50%');
    expect(progressBar(0, 0, 4)).toBe('[████] 100%');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField(null)).toBe('');
  });
});

describe('outbound webhook tokens', () => {
  const key = outboundTokenKey('test-auth-token-0123456789abcdef');
  const token = { attempt: 'outbound-c1-7', tryNo: 2, ivrId: 'test-line', ivrVersion: 3 };
  const now = new Date('2026-12-03T12:00:00Z');

  it('round-trips for its route only', () => {
    const raw = encodeOutboundToken(key, 'status', token, now);
    expect(decodeOutboundToken(key, 'status', raw, now)).toEqual(token);
    expect(decodeOutboundToken(key, 'answer', raw, now)).toBeUndefined();
    expect(
      decodeOutboundToken(outboundTokenKey('another-token-0123456789'), 'status', raw, now),
    ).toBeUndefined();
  });

  it('refuses a forged body and a stale token', () => {
    const raw = encodeOutboundToken(key, 'sms', token, now);
    const [body, mac] = raw.split('.');
    const forged = Buffer.from(JSON.stringify(['outbound-c1-8', 2, 'test-line', 3, 0])).toString(
      'base64url',
    );
    expect(decodeOutboundToken(key, 'sms', `${forged}.${mac}`, now)).toBeUndefined();
    expect(
      decodeOutboundToken(key, 'sms', `${body}.${mac}`, new Date(now.getTime() + 27 * 3600_000)),
    ).toBeUndefined();
  });
});

describe('benchmark figures', () => {
  it('counts duplicates beyond the recorded tries, calls outside the window and the unreached', () => {
    const at = (h: number, m = 0): number => Date.UTC(2026, 6, 1, h, m);
    const figures = campaignFigures(
      [
        { to: '+1', createdAt: at(14) },
        { to: '+1', createdAt: at(14, 1) },
        { to: '+2', createdAt: at(14, 2) },
        { to: '+3', createdAt: at(3) },
      ],
      [
        { phone: '+1', timeZone: 'America/New_York', outcome: 'answered', attempts: 1 },
        { phone: '+2', timeZone: 'America/New_York', outcome: 'busy', attempts: 1 },
        { phone: '+3', timeZone: 'America/New_York', outcome: null, attempts: 1 },
      ],
      { start: '08:00', end: '21:00' },
    );
    expect(figures).toMatchObject({ duplicates: 1, outsideWindow: 1, unreached: 1, calls: 4 });
  });
});

describe('the paced create against real Twilio', () => {
  // A Twilio client that must never be reached: the window check refuses first.
  const twilio = new Proxy(
    {},
    {
      get() {
        throw new Error('Twilio reached');
      },
    },
  ) as unknown as TwilioClient;
  const hourInNewYork = (epochMs: number): number =>
    Number(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'America/New_York',
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(epochMs),
    );
  const TWELVE_HOURS = 12 * 3600_000;
  /** The one-hour window around now + 12 h: closed now, open on the rehearsal's clock. */
  const windowTwelveHoursAway = (): { start: string; end: string } => {
    const start = hourInNewYork(Date.now() + TWELVE_HOURS);
    const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
    return { start: hh(start), end: hh(start + 1) };
  };

  it('ignores a rehearsal clock unless the deps allow it (only the simulator does)', async () => {
    const window = windowTwelveHoursAway();
    const input = {
      to: '+12125550100',
      from: '+15005550006',
      url: 'http://127.0.0.1/answer',
      notBefore: 0,
      notAfter: Date.now() + 60_000,
      window: {
        timeZone: 'America/New_York',
        window,
        clockOffsetMs: TWELVE_HOURS,
      },
    };
    const real = createTwilioCallActivities({ twilio });
    expect(await real.createPacedCall(input)).toEqual({ kind: 'outside-window' });
    const simulator = createTwilioCallActivities({ twilio, rehearsal: true });
    // Judged at now + 12 h the window is open, so it goes on to Twilio.
    await expect(simulator.createPacedCall(input)).rejects.toThrow(/Twilio reached/);
  });
});

describe('campaign state', () => {
  const input = {
    campaignId: 'c1',
    settings: {
      name: 'n',
      from: '+15005550006',
      ivrId: 'i',
      cps: 1,
      maxConcurrent: 1,
      window: { start: '08:00', end: '21:00' },
      maxAttempts: 2,
      retryAfterSeconds: 1,
      amd: 'off' as const,
    },
    contacts: [],
  };
  const done = (contactId: number) => ({
    kind: 'done' as const,
    contactId,
    outcome: 'busy' as const,
    calls: 2,
    smsSent: false,
  });

  it('keeps reports that overtake their attempt’s start, and applies them once it started', () => {
    const c = new CampaignState(input, 0);
    c.progress = { ...c.progress, total: 1 };
    c.starts(1);
    c.onReport({ ...done(1), kind: 'parked', outcome: 'canceled', calls: 1 });
    c.onReport(done(1));
    expect(c.inFlight.size).toBe(0);
    c.started(1, '+14155550100');
    expect(c.inFlight.size).toBe(0);
    expect(c.parked.size).toBe(0);
    expect(c.progress).toMatchObject({ done: 1, busy: 1, dialed: 2 });
    expect(c.finished).toBe(true);
  });

  it('on a run recorded before the fix, an early report is dropped as it was then (replay)', () => {
    const c = new CampaignState(input, 0);
    c.keepEarlyReports = false;
    c.starts(1);
    c.onReport(done(1));
    c.started(1, '+14155550100');
    expect([...c.inFlight]).toEqual([1]);
  });

  it('ignores a report for a contact it never started', () => {
    const c = new CampaignState(input, 0);
    c.onReport(done(7));
    expect(c.progress.done).toBe(0);
  });
});
