import { describe, expect, it } from 'vitest';
import { MAX_SKEW_MS, skewResult } from '../../src/doctor/checks/clock';
import { numberProblems } from '../../src/doctor/checks/numbers';
import { exitCodeOf, formatReport } from '../../src/doctor/report';

const base = 'https://sb.example.com';
const good = {
  phoneNumber: '+15005550006',
  voiceUrl: `${base}/voice/inbound`,
  voiceMethod: 'POST',
  statusCallback: `${base}/voice/status`,
};

describe('numberProblems', () => {
  it('accepts the routes under PUBLIC_BASE_URL, with or without its trailing slash', () => {
    expect(numberProblems(good, base)).toEqual([]);
    expect(numberProblems(good, `${base}/`)).toEqual([]);
  });

  it('names every wrong field at once', () => {
    expect(
      numberProblems({ ...good, voiceUrl: '', voiceMethod: 'GET', statusCallback: '' }, base),
    ).toEqual([
      'Voice URL is empty (Twilio: "could not find a valid URL for the Voice request")',
      'Voice method is GET',
      'status callback is not set',
    ]);
  });

  it('refuses another host or path, as Twilio would call them', () => {
    expect(
      numberProblems({ ...good, voiceUrl: 'http://sb.example.com/voice/inbound' }, base),
    ).toEqual(['Voice URL is http://sb.example.com/voice/inbound']);
    expect(numberProblems({ ...good, statusCallback: `${base}/status` }, base)).toEqual([
      `status callback is ${base}/status`,
    ]);
  });
});

describe('skewResult', () => {
  const remote = new Date('2026-12-01T12:00:00Z');
  const at = (ms: number) => new Date(remote.getTime() + ms);

  it('judges the local time as the midpoint of the request', () => {
    expect(skewResult('Twilio', remote, at(-MAX_SKEW_MS), at(MAX_SKEW_MS)).ok).toBe(true);
    expect(skewResult('Twilio', remote, at(MAX_SKEW_MS), at(MAX_SKEW_MS)).ok).toBe(true);
  });

  it('fails beyond 30 s either way, saying which way', () => {
    expect(skewResult('Twilio', remote, at(31_000), at(31_000))).toMatchObject({
      ok: false,
      detail: 'this host is 31 s ahead of Twilio',
    });
    expect(skewResult('PostgreSQL', remote, at(-45_000), at(-45_000)).detail).toBe(
      'this host is 45 s behind PostgreSQL',
    );
  });
});

describe('formatReport', () => {
  it('prints ✓ and ✗ lines, the fix under each failure, and a summary', () => {
    const results = [
      { name: 'a', ok: true, detail: 'fine' },
      { name: 'b', ok: false, detail: 'broken', fix: 'mend it' },
    ];
    expect(formatReport(results)).toBe(
      ['✓ a: fine', '✗ b: broken', '    fix: mend it', '', '1 of 2 checks failed'].join('\n'),
    );
    expect(exitCodeOf(results)).toBe(1);
    expect(exitCodeOf(results.slice(0, 1))).toBe(0);
  });
});
