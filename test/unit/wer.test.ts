import { describe, expect, it } from 'vitest';
import { normaliseWords, wordEditDistance, wordErrorRate } from '../../src/transcription/wer';

describe('word error rate', () => {
  it('normalises case and punctuation', () => {
    expect(normaliseWords("Hello, World! It's   me.")).toEqual(['hello', 'world', "it's", 'me']);
  });

  it('counts substitutions, insertions and deletions', () => {
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(0);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(1);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'c'])).toBe(1);
    expect(wordEditDistance(['a', 'b'], ['a', 'b', 'c', 'd'])).toBe(2);
    expect(wordEditDistance(['kitten', 'sat'], [])).toBe(2);
    expect(wordEditDistance([], ['x'])).toBe(1);
  });

  it('is total edits over total reference words across the corpus', () => {
    const wer = wordErrorRate([
      { reference: 'call me back', hypothesis: 'call me bak' },
      { reference: 'my card number', hypothesis: 'my card number please' },
    ]);
    expect(wer).toBeCloseTo(2 / 6);
    expect(() => wordErrorRate([{ reference: '', hypothesis: 'x' }])).toThrow();
  });
});
