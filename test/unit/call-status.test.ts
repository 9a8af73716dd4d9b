import { describe, expect, it } from 'vitest';
import {
  CALL_STATUSES,
  FINAL_CALL_STATUSES,
  isNewerStatus,
  statusRank,
  type StatusCandidate,
  type StatusPosition,
} from '../../workflows/shared/call-status';

const at = (s: number): string => new Date(Date.UTC(2026, 10, 23, 12, 0, s)).toISOString();
const cb = (callStatus: string, s: number, sequenceNumber?: number): StatusCandidate => ({
  callStatus,
  timestamp: at(s),
  sequenceNumber,
});

/** The position a series of callbacks leaves a call at, applied in arrival order. */
function apply(start: StatusPosition, callbacks: StatusCandidate[]): StatusPosition {
  return callbacks.reduce((p, c) => (isNewerStatus(c, p) ? c : p), start);
}

describe('statusRank', () => {
  it('orders the lifecycle and ranks every final status alike, above in-progress', () => {
    const ranks = ['queued', 'initiated', 'ringing', 'in-progress'].map(statusRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(4);
    for (const s of FINAL_CALL_STATUSES) {
      expect(statusRank(s)).toBe(statusRank('completed'));
      expect(statusRank(s)).toBeGreaterThan(statusRank('in-progress'));
    }
    expect(statusRank('unknown')).toBeLessThan(statusRank('queued'));
  });
});

describe('isNewerStatus', () => {
  const ringing: StatusPosition = { callStatus: 'ringing' };

  it('orders by SequenceNumber when both callbacks carry one, whatever their times', () => {
    expect(isNewerStatus(cb('in-progress', 1, 2), cb('ringing', 9, 1))).toBe(true);
    expect(isNewerStatus(cb('in-progress', 9, 1), cb('completed', 1, 2))).toBe(false);
    expect(isNewerStatus(cb('ringing', 9, 1), cb('in-progress', 1, 2))).toBe(false);
  });

  it('lets a callback without SequenceNumber (-1 or undefined) move the status by Timestamp', () => {
    expect(isNewerStatus(cb('in-progress', 5, -1), cb('ringing', 1, 0))).toBe(true);
    expect(isNewerStatus(cb('in-progress', 5), cb('ringing', 1, 0))).toBe(true);
    expect(isNewerStatus(cb('ringing', 5, 3), cb('in-progress', 6, -1))).toBe(false);
  });

  it('never lets a late ringing overwrite in-progress', () => {
    expect(apply(ringing, [cb('in-progress', 5, -1), cb('ringing', 2, -1)]).callStatus).toBe(
      'in-progress',
    );
  });

  it('breaks a tie of Timestamp (same second) by rank, either way round', () => {
    expect(isNewerStatus(cb('in-progress', 3), cb('ringing', 3))).toBe(true);
    expect(isNewerStatus(cb('ringing', 3), cb('in-progress', 3))).toBe(false);
  });

  it('orders by rank when the current position has no time (the row the call was created with)', () => {
    expect(isNewerStatus(cb('in-progress', 1, 4), ringing)).toBe(true);
    expect(isNewerStatus(cb('queued', 1, 4), ringing)).toBe(false);
  });

  it('treats an unreadable Timestamp as absent', () => {
    const bad = { callStatus: 'in-progress', timestamp: 'not a time' };
    expect(isNewerStatus(bad, cb('ringing', 9))).toBe(true);
    expect(isNewerStatus(cb('ringing', 9), { ...bad, callStatus: 'ringing' })).toBe(false);
  });

  it('is not newer for the same callback again, so re-applying changes nothing', () => {
    for (const s of CALL_STATUSES) {
      expect(isNewerStatus(cb(s, 4, 2), cb(s, 4, 2))).toBe(false);
      expect(isNewerStatus(cb(s, 4), cb(s, 4))).toBe(false);
    }
  });

  it('never leaves a final status, not for a higher SequenceNumber nor a later time', () => {
    for (const s of FINAL_CALL_STATUSES) {
      expect(isNewerStatus(cb('in-progress', 9, 9), cb(s, 1, 1))).toBe(false);
      expect(isNewerStatus(cb('completed', 9), { callStatus: s })).toBe(false);
    }
  });

  it('reaches completed when completed arrives before the inbound webhook and the rest', () => {
    const callbacks = [cb('completed', 50, 3), cb('ringing', 1, 1), cb('in-progress', 2, 2)];
    expect(apply(ringing, callbacks)).toEqual(callbacks[0]);
  });

  it('reaches completed through callbacks without SequenceNumber, in any order', () => {
    const callbacks = [cb('ringing', 1, -1), cb('in-progress', 2, -1), cb('completed', 50, -1)];
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ]) {
      const end = apply(
        ringing,
        order.map((i) => callbacks[i]!),
      );
      expect(end.callStatus).toBe('completed');
    }
  });
});
