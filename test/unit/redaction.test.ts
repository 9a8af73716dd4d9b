import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { parsePatterns } from '../../src/redaction/config';
import { luhnValid } from '../../src/redaction/digits';
import { findSensitive, redact } from '../../src/redaction/redact';

const DIGIT_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
];
const spoken = (digits: string): string => [...digits].map((d) => DIGIT_WORDS[Number(d)]).join(' ');

describe('card numbers', () => {
  it.each([
    [
      'typed in groups',
      'my card is 4111 1111 1111 1111 thanks',
      'my card is [REDACTED:card] thanks',
    ],
    ['typed with dashes', 'use 5555-5555-5555-4444.', 'use [REDACTED:card].'],
    ['typed in one piece', 'number 378282246310005 ok', 'number [REDACTED:card] ok'],
    ['spoken', `it is ${spoken('4111111111111111')} bye`, 'it is [REDACTED:card] bye'],
    [
      'mixed spoken and typed',
      'four one one one 1111 one one one one 1111 done',
      '[REDACTED:card] done',
    ],
    [
      'spoken in tens',
      'forty one eleven eleven eleven eleven eleven eleven eleven',
      '[REDACTED:card]',
    ],
    [
      'double and triple',
      'four double one one triple one one one one one one one one',
      '[REDACTED:card]',
    ],
    [
      'with hesitation',
      'four one one one uh one one one one um one one one one one one one one',
      '[REDACTED:card]',
    ],
    [
      'misheard "for"/"to" inside',
      'card four one for one one to one one one one one one one one one one',
      'card [REDACTED:card]',
    ],
  ])('%s', (_name, text, expected) => {
    const r = redact(text);
    expect(r.text).toBe(expected);
    expect(r.counts).toEqual({ card: 1 });
  });

  it('redacts a long spoken run even when Luhn fails (a digit dropped or misheard)', () => {
    const digits = '411111111111111'; // 15 digits, not Luhn-valid
    expect(luhnValid(digits)).toBe(false);
    const [finding] = findSensitive(`my number is ${spoken(digits)}`);
    expect(finding).toMatchObject({ kind: 'card', confidence: 'medium' });
  });

  it('Luhn raises confidence', () => {
    expect(findSensitive(spoken('4111111111111111'))[0]!.confidence).toBe('high');
    expect(findSensitive(spoken('4111111111111112'))[0]!.confidence).toBe('medium');
  });

  it('a short run after card words is a card number too (digits lost to the recogniser)', () => {
    expect(redact('my visa card is four one one one one one one one one').counts).toEqual({
      card: 1,
    });
  });

  it('leaves phone numbers, times and amounts alone', () => {
    for (const text of [
      'call me at 415 555 0100',
      'call me at +1 (415) 555-0100 after 6',
      'call me back at four one five five five five zero one zero zero',
      'it was two for one at the store',
      'i owe 1250 dollars since 2024',
      'meet me at three thirty on the fourth',
    ]) {
      expect(redact(text)).toEqual({ text, counts: {} });
    }
  });

  it('joins a run split by one misheard word', () => {
    const r = redact('four one one one the one one one one one one one one one one one');
    expect(r).toEqual({ text: '[REDACTED:card]', counts: { card: 1 } });
  });

  it('counts several numbers', () => {
    const r = redact('first 4111111111111111 then 5555 5555 5555 4444 and 123-45-6789');
    expect(r.counts).toEqual({ card: 2, ssn: 1 });
    expect(r.text).toBe('first [REDACTED:card] then [REDACTED:card] and [REDACTED:ssn]');
  });
});

describe('US social security numbers', () => {
  it.each([
    ['typed', 'ssn 123-45-6789.'],
    ['typed with spaces', 'it is 123 45 6789'],
    [
      'spoken after context',
      'my social security number is one two three four five six seven eight nine',
    ],
    ['spoken with a digit lost', 'social security one two three four five six seven eight'],
  ])('%s', (_name, text) => {
    const r = redact(text);
    expect(r.counts).toEqual({ ssn: 1 });
    expect(r.text).toContain('[REDACTED:ssn]');
    expect(r.text).not.toMatch(/\d{4}|eight/);
  });

  it('skips numbers the SSA never issues, and nine digits without context', () => {
    for (const text of [
      'id 000-12-3456',
      'id 666-12-3456',
      'id 912-34-5678',
      'zip 94105 1234',
      'ref 123456789',
    ]) {
      expect(redact(text).counts).toEqual({});
    }
  });
});

describe('configured patterns', () => {
  const rules = {
    patterns: [
      { name: 'account', regex: 'ACCT-?\\d{6,10}' },
      { name: 'pin', regex: '\\bpin \\d{4}\\b' },
    ],
  };

  it('redacts and counts each pattern as custom:<name>', () => {
    const r = redact('ACCT-123456 and ACCT9876543 with pin 1234', rules);
    expect(r).toEqual({
      text: '[REDACTED:custom:account] and [REDACTED:custom:account] with [REDACTED:custom:pin]',
      counts: { 'custom:account': 2, 'custom:pin': 1 },
    });
  });

  it('an invalid pattern is a clear config error', () => {
    expect(parsePatterns('[{"name":"bad","regex":"(unclosed"}]')).toMatch(
      /item 0 \(bad\): invalid regex/,
    );
    expect(parsePatterns('{"name":"x"}')).toMatch(/JSON array/);
    expect(parsePatterns('[{"name":"Bad Name","regex":"x"}]')).toMatch(/name must be/);
    expect(parsePatterns('[{"name":"empty","regex":"a*"}]')).toMatch(/matches the empty string/);
    expect(parsePatterns('[{"name":"a","regex":"x"},{"name":"a","regex":"y"}]')).toMatch(
      /used twice/,
    );
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://x',
        TEMPORAL_ADDRESS: 'localhost:7233',
        PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
        TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
        TWILIO_AUTH_TOKEN: 'x'.repeat(32),
        REDACTION_PATTERNS: '[{"name":"bad","regex":"[z-a]"}]',
      }),
    ).toThrow(/REDACTION_PATTERNS is malformed: item 0 \(bad\): invalid regex/);
  });
});

describe('properties', () => {
  const luhnCard = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 })
    .map((ds) => {
      const body = ds.join('');
      const check = [...'0123456789'].find((d) => luhnValid(body + d))!;
      return body + check;
    });

  it('any Luhn-valid 13–19 digit number, spoken or typed, never survives', () => {
    fc.assert(
      fc.property(
        luhnCard,
        fc.boolean(),
        fc.constantFrom('my card is ', 'ok ', ''),
        (card, say, prefix) => {
          const r = redact(
            `${prefix}${say ? spoken(card) : card.replace(/(\d{4})/g, '$1 ').trim()} thanks`,
          );
          expect(r.counts.card).toBe(1);
          expect(r.text).not.toMatch(/\d{4}/);
          expect(r.text.endsWith(' thanks')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a long digit run with up to three digits dropped is still redacted', () => {
    fc.assert(
      fc.property(luhnCard, fc.array(fc.nat(), { maxLength: 3 }), (card, drops) => {
        let digits = card.length >= 16 ? card : card.padEnd(16, '1');
        for (const d of drops)
          digits = digits.slice(0, d % digits.length) + digits.slice((d % digits.length) + 1);
        expect(redact(spoken(digits)).counts).toEqual({ card: 1 });
      }),
      { numRuns: 200 },
    );
  });

  it('text without digits or number words is returned unchanged', () => {
    const word = fc.constantFrom(
      'hello',
      'please',
      'call',
      'me',
      'back',
      'account',
      'card',
      'the',
      'social',
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 30 }), (words) => {
        const text = words.join(' ');
        expect(redact(text)).toEqual({ text, counts: {} });
      }),
    );
  });
});
