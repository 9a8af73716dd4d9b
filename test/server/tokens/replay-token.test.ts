import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenKeys } from '../../../src/server/tokens/keys';
import {
  INBOUND_STEP,
  REPLAY_TOKEN_TTL_SECONDS,
  decodeReplay,
  encodeReplay,
  type ReplayToken,
} from '../../../src/server/tokens/replay-token';

const keys = tokenKeys('test-auth-token-0123456789abcdef');
const key = keys.replay;
const CALL = 'CA' + '1'.repeat(32);
const NOW = new Date('2026-03-03T10:00:00Z');
const ISSUED = Math.floor(NOW.getTime() / 1000);
const at = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);

/** A token MACed exactly as the server MACs, around any JSON: only the content checks remain. */
function forge(packed: unknown, step = '3.main', callSid = CALL): string {
  const body = Buffer.from(JSON.stringify(packed)).toString('base64url');
  const mac = createHmac('sha256', key)
    .update(JSON.stringify([callSid, step, body]))
    .digest('base64url');
  return `${body}.${mac.slice(0, 22)}`;
}

/** Each token with the step the server binds it to. */
const tokens: [string, ReplayToken][] = [
  [INBOUND_STEP, { updateId: 'h:0123456789abcdef', request: { kind: 'inbound' }, attempt: 1 }],
  ['9.main', { updateId: 'tw:idem-1.2', request: { kind: 'resume' }, attempt: 39 }],
  [
    '3.main',
    {
      updateId: 'h:abc',
      request: {
        kind: 'gather',
        step: '3.main',
        digits: '1',
        speech: 'sales ünïcødé',
        confidence: 0.8,
      },
      attempt: 2,
    },
  ],
  [
    '4.sales',
    { updateId: 'h:abc', request: { kind: 'dial', step: '4.sales', status: 'busy' }, attempt: 1 },
  ],
  [
    '5.voicemail',
    {
      updateId: 'h:abc',
      request: {
        kind: 'record',
        step: '5.voicemail',
        recordingUrl: 'https://api.twilio.com/x',
        recordingSid: 'RE' + '0'.repeat(32),
        durationSeconds: 12,
      },
      attempt: 3,
    },
  ],
];

describe('replay tokens', () => {
  it.each(tokens)('round-trips a token bound to step %s', (step, token) => {
    const raw = encodeReplay(key, CALL, step, token, NOW);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(decodeReplay(key, CALL, step, raw, NOW)).toEqual(token);
  });

  it('round-trips any well-formed token', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[\w:.-]{1,200}$/),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...tokens),
        (updateId, attempt, [step, { request }]) => {
          const token = { updateId, attempt, request };
          const raw = encodeReplay(key, CALL, step, token, NOW);
          expect(decodeReplay(key, CALL, step, raw, NOW)).toEqual(token);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(tokens)('refuses a token for step %s elsewhere, forged or tampered', (step, token) => {
    const raw = encodeReplay(key, CALL, step, token, NOW);
    expect(decodeReplay(key, 'CA' + '2'.repeat(32), step, raw, NOW), 'other call').toBeUndefined();
    expect(decodeReplay(key, CALL, '3.other', raw, NOW), 'other step').toBeUndefined();
    expect(decodeReplay(keys.step, CALL, step, raw, NOW), 'step-token key').toBeUndefined();
    const other = tokenKeys('another-auth-token-0123456789').replay;
    expect(decodeReplay(other, CALL, step, raw, NOW), 'other auth token').toBeUndefined();
    for (let i = 0; i < raw.length; i++) {
      const changed = raw.slice(0, i) + (raw[i] === 'A' ? 'B' : 'A') + raw.slice(i + 1);
      expect(decodeReplay(key, CALL, step, changed, NOW), `changed at ${i}`).toBeUndefined();
    }
  });

  it('refuses an unMACed token in the format before issue 10', () => {
    const [step, token] = tokens[2]!;
    const legacy = Buffer.from(JSON.stringify(token)).toString('base64url');
    expect(decodeReplay(key, CALL, step, legacy, NOW)).toBeUndefined();
  });

  it('expires after ten minutes and is refused from more than a minute in the future', () => {
    const [step, token] = tokens[2]!;
    const raw = encodeReplay(key, CALL, step, token, NOW);
    expect(REPLAY_TOKEN_TTL_SECONDS).toBe(600);
    expect(decodeReplay(key, CALL, step, raw, at(600))).toEqual(token);
    expect(decodeReplay(key, CALL, step, raw, at(601))).toBeUndefined();
    expect(decodeReplay(key, CALL, step, raw, at(-60))).toEqual(token);
    expect(decodeReplay(key, CALL, step, raw, at(-61))).toBeUndefined();
  });

  it('binds the inbound webhook and action steps apart', () => {
    const inbound = { updateId: 'h:1', request: { kind: 'inbound' as const }, attempt: 1 };
    expect(
      decodeReplay(key, CALL, '3.main', forge(['h:1', 1, ISSUED, inbound.request]), NOW),
    ).toBeUndefined();
    // A gather retried at the inbound URL, or at an action URL for another step, is not a retry.
    const gather = { kind: 'gather', step: '3.main', digits: '1' };
    expect(
      decodeReplay(key, CALL, INBOUND_STEP, forge(['h:1', 1, ISSUED, gather], INBOUND_STEP), NOW),
    ).toBeUndefined();
    expect(
      decodeReplay(key, CALL, '4.main', forge(['h:1', 1, ISSUED, gather], '4.main'), NOW),
    ).toBeUndefined();
    expect(decodeReplay(key, CALL, '3.main', forge(['h:1', 1, ISSUED, gather]), NOW)).toEqual({
      updateId: 'h:1',
      attempt: 1,
      request: gather,
    });
  });

  const inbound = { kind: 'inbound' };
  it.each([
    ['a number', 42],
    ['null', null],
    ['an object', { updateId: 'h:1', request: inbound, attempt: 1, issuedAt: ISSUED }],
    ['three fields', ['h:1', 1, ISSUED]],
    ['five fields', ['h:1', 1, ISSUED, inbound, 'x']],
    ['numeric updateId', [7, 1, ISSUED, inbound]],
    ['empty updateId', ['', 1, ISSUED, inbound]],
    ['updateId with spaces', ['a b', 1, ISSUED, inbound]],
    ['oversized updateId', ['x'.repeat(201), 1, ISSUED, inbound]],
    ['attempt 0', ['h:1', 0, ISSUED, inbound]],
    ['fractional attempt', ['h:1', 1.5, ISSUED, inbound]],
    ['string attempt', ['h:1', '1', ISSUED, inbound]],
    ['huge attempt', ['h:1', 1e300, ISSUED, inbound]],
    ['no issued-at', ['h:1', 1, null, inbound]],
    ['string issued-at', ['h:1', 1, String(ISSUED), inbound]],
    ['fractional issued-at', ['h:1', 1, ISSUED + 0.5, inbound]],
    ['null request', ['h:1', 1, ISSUED, null]],
    ['request without kind', ['h:1', 1, ISSUED, {}]],
    ['unknown kind', ['h:1', 1, ISSUED, { kind: 'transfer' }]],
    ['inbound with extra fields', ['h:1', 1, ISSUED, { kind: 'inbound', step: 'inbound' }]],
    ['gather without step', ['h:1', 1, ISSUED, { kind: 'gather' }]],
    ['gather with a malformed step', ['h:1', 1, ISSUED, { kind: 'gather', step: '../x' }]],
    [
      'gather with numeric digits',
      ['h:1', 1, ISSUED, { kind: 'gather', step: '3.main', digits: 1 }],
    ],
    ['gather with an unknown field', ['h:1', 1, ISSUED, { kind: 'gather', step: '3.main', x: 1 }]],
    [
      'gather with a NUL in speech',
      ['h:1', 1, ISSUED, { kind: 'gather', step: '3.main', speech: 'a\u0000' }],
    ],
    ['dial without status', ['h:1', 1, ISSUED, { kind: 'dial', step: '3.main' }]],
    [
      'record with a string duration',
      ['h:1', 1, ISSUED, { kind: 'record', step: '3.main', durationSeconds: '9' }],
    ],
  ])('refuses a well-MACed token with %s', (_name, packed) => {
    const step = Array.isArray(packed) && packed[3] === inbound ? INBOUND_STEP : '3.main';
    expect(decodeReplay(key, CALL, step, forge(packed, step), NOW)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['not base64', '!!!***'],
    ['no MAC', Buffer.from('hello').toString('base64url')],
    ['two dots', 'a.b.c'],
    ['an oversized token', 'A'.repeat(100_000)],
    ['a token longer than any query can carry', `${'A'.repeat(2100)}.${'A'.repeat(22)}`],
  ])('refuses %s', (_name, raw) => {
    expect(decodeReplay(key, CALL, INBOUND_STEP, raw, NOW)).toBeUndefined();
  });

  it('never throws and never accepts arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.base64String(),
          fc.tuple(fc.base64String(), fc.base64String()).map(([a, b]) => `${a}.${b}`),
        ),
        fc.constantFrom(INBOUND_STEP, '3.main'),
        (raw, step) => {
          expect(decodeReplay(key, CALL, step, raw, NOW)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });
});
