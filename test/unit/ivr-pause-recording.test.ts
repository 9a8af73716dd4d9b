import { describe, expect, it } from 'vitest';
import { validateIvr } from '../../src/ivr/validate';
import { advanceIvr, startIvr } from '../../workflows/ivr/engine';
import { cardIvr } from '../helpers/card-ivr';

const now = new Date('2026-12-03T12:00:00Z');
const kinds = (effects: { kind: string }[]) => effects.map((e) => e.kind);

describe('menus that pause the recording', () => {
  it('pause on entry and resume once an option is chosen', () => {
    const ivr = cardIvr(true);
    const start = startIvr(ivr, now);
    expect(kinds(start.effects)).toEqual(['entered', 'recording-paused']);
    const done = advanceIvr(ivr, start.state, { kind: 'gather', digits: '1' }, now);
    expect(kinds(done.effects)).toEqual(['selected', 'recording-resumed', 'entered']);
  });

  it('stay paused through a retry and resume when attempts run out', () => {
    const ivr = cardIvr(true);
    const start = startIvr(ivr, now);
    const retry = advanceIvr(ivr, start.state, { kind: 'gather', digits: '9' }, now);
    expect(kinds(retry.effects)).toEqual(['failed']);
    const out = advanceIvr(ivr, retry.state, { kind: 'gather', digits: '9' }, now);
    expect(kinds(out.effects)).toEqual(['failed', 'recording-resumed', 'entered']);
  });

  it('menus without the field (every IVR before it) produce exactly the effects they did', () => {
    for (const ivr of [cardIvr(undefined), cardIvr(false)]) {
      const start = startIvr(ivr, now);
      expect(kinds(start.effects)).toEqual(['entered']);
      expect(
        kinds(advanceIvr(ivr, start.state, { kind: 'gather', digits: '1' }, now).effects),
      ).toEqual(['selected', 'entered']);
    }
  });

  it('validation rejects a non-boolean pauseRecording', () => {
    const def = JSON.parse(JSON.stringify(cardIvr(true))) as {
      nodes: { card: Record<string, unknown> };
    };
    def.nodes.card.pauseRecording = 'yes';
    expect(() => validateIvr(def)).toThrow(/pauseRecording/);
  });
});
