import { describe, expect, it } from 'vitest';
import type { CallStep } from '../../../workflows/call/definitions';
import type { IvrState } from '../../../workflows/ivr/engine';
import { nextStep, placeOf } from '../../../workflows/call/journal';

const at = '2026-11-23T12:00:00.000Z';
const state = (seq: number, ended = false): IvrState => ({ node: 'main', attempts: 0, seq, ended });
const inbound: CallStep = { key: 'in', request: { kind: 'inbound' }, decidedAt: at };
const press = (seq: number): CallStep => ({
  key: `press-${seq}`,
  before: state(seq),
  request: { kind: 'gather', step: `${seq}.main`, digits: '9' },
  decidedAt: at,
});

describe('journaled steps', () => {
  it('apply only from the state they were decided from', () => {
    expect(placeOf(inbound, undefined)).toBe('apply');
    expect(placeOf(inbound, state(1))).toBe('stale');
    expect(placeOf(press(1), undefined)).toBe('wait');
    expect(placeOf(press(1), state(1))).toBe('apply');
    expect(placeOf(press(2), state(1))).toBe('wait');
    expect(placeOf(press(1), state(2))).toBe('stale');
    expect(placeOf(press(1), state(1, true))).toBe('stale');
    expect(placeOf({ ...press(1), before: undefined }, state(1))).toBe('stale');
  });

  it('are taken in IVR order however they arrived', () => {
    const waiting = [press(2), press(1), inbound];
    expect(nextStep(waiting, undefined)).toEqual({ step: inbound, place: 'apply' });
    expect(nextStep(waiting, state(1))).toEqual({ step: press(1), place: 'apply' });
    expect(nextStep(waiting, state(3))).toEqual({ step: press(2), place: 'stale' });
    expect(waiting).toEqual([]);
    const blocked = [press(5)];
    expect(nextStep(blocked, state(1))).toBeUndefined();
    expect(blocked).toHaveLength(1);
  });
});
