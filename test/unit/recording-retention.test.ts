import { describe, expect, it } from 'vitest';
import {
  msUntilPurge,
  parseRetention,
  retainUntil,
  sourceOf,
} from '../../workflows/recording/retention';
import { RecordingState } from '../../workflows/recording/state';
import type { RecordingEntry } from '../../workflows/recording/definitions';

describe('retention', () => {
  it('maps Twilio sources to policies', () => {
    expect(sourceOf('RecordVerb')).toBe('voicemail');
    expect(sourceOf('Conference')).toBe('conference');
    expect(sourceOf('DialVerb')).toBe('call');
    expect(sourceOf('StartCallRecordingAPI')).toBe('call');
    expect(sourceOf(undefined)).toBe('call');
  });

  it('computes retain_until and how long to sleep; a hold never purges', () => {
    expect(retainUntil('2026-01-01T00:00:00.000Z', 86400)).toBe('2026-01-02T00:00:00.000Z');
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(msUntilPurge(now, '2026-01-02T00:00:00.000Z', false)).toBe(12 * 3600 * 1000);
    expect(msUntilPurge(now, '2025-12-31T00:00:00.000Z', false)).toBe(0);
    expect(msUntilPurge(now, '2025-12-31T00:00:00.000Z', true)).toBe('never');
    expect(() => retainUntil('nope', 1)).toThrow();
  });

  it('parses retentions', () => {
    expect(parseRetention('30d')).toBe(30 * 86400);
    expect(parseRetention('90s')).toBe(90);
    expect(parseRetention('7y')).toBe(7 * 365 * 86400);
    expect(() => parseRetention('30 days')).toThrow(/30d/);
  });
});

const status = (
  key: string,
  s: 'in-progress' | 'completed' | 'absent' | 'failed',
): RecordingEntry => ({
  kind: 'status',
  callback: { eventKey: key, status: s },
});

describe('RecordingState', () => {
  it('counts a duplicate once and keeps the first final status whatever the order', () => {
    const rec = new RecordingState('RE' + '0'.repeat(32));
    expect(
      rec.apply([status('a:completed', 'completed'), status('a:completed', 'completed')]),
    ).toBe(1);
    expect(rec.apply([status('a:in-progress', 'in-progress')])).toBe(1);
    expect(rec.final?.status).toBe('completed');
    expect(rec.snapshot()).toMatchObject({ status: 'completed', callbacksSeen: 2 });
    rec.apply([status('a:failed', 'failed')]);
    expect(rec.final?.status).toBe('completed');
  });

  it('waits through in-progress', () => {
    const rec = new RecordingState('RE' + '0'.repeat(32));
    rec.apply([status('a:in-progress', 'in-progress')]);
    expect(rec.final).toBeUndefined();
    rec.apply([status('a:absent', 'absent')]);
    expect(rec.final?.status).toBe('absent');
  });
});
