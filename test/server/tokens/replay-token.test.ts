import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeReplay,
  encodeReplay,
  type ReplayToken,
} from '../../../src/server/tokens/replay-token';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const tokens: ReplayToken[] = [
  { updateId: 'h:0123456789abcdef', request: { kind: 'inbound' }, attempt: 1 },
  { updateId: 'tw:idem-1.2', request: { kind: 'resume' }, attempt: 39 },
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
  { updateId: 'h:abc', request: { kind: 'dial', step: '4.sales', status: 'busy' }, attempt: 1 },
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
];

describe('replay tokens', () => {
  it.each(tokens)('round-trips %j', (token) => {
    const raw = encodeReplay(token);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeReplay(raw)).toEqual(token);
  });

  it('round-trips any well-formed token', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[\w:.-]{1,200}$/),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...tokens.map((t) => t.request)),
        (updateId, attempt, request) => {
          const token = { updateId, attempt, request };
          expect(decodeReplay(encodeReplay(token))).toEqual(token);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['empty', ''],
    ['not base64', '!!!***'],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['a number', b64(42)],
    ['null', b64(null)],
    ['an array', b64([1, 2])],
    ['no updateId', b64({ request: { kind: 'inbound' }, attempt: 1 })],
    ['numeric updateId', b64({ updateId: 7, request: { kind: 'inbound' }, attempt: 1 })],
    ['empty updateId', b64({ updateId: '', request: { kind: 'inbound' }, attempt: 1 })],
    ['updateId with spaces', b64({ updateId: 'a b', request: { kind: 'inbound' }, attempt: 1 })],
    [
      'oversized updateId',
      b64({ updateId: 'x'.repeat(201), request: { kind: 'inbound' }, attempt: 1 }),
    ],
    ['no attempt', b64({ updateId: 'h:1', request: { kind: 'inbound' } })],
    ['attempt 0', b64({ updateId: 'h:1', request: { kind: 'inbound' }, attempt: 0 })],
    ['fractional attempt', b64({ updateId: 'h:1', request: { kind: 'inbound' }, attempt: 1.5 })],
    ['string attempt', b64({ updateId: 'h:1', request: { kind: 'inbound' }, attempt: '1' })],
    ['huge attempt', b64({ updateId: 'h:1', request: { kind: 'inbound' }, attempt: 1e300 })],
    ['no request', b64({ updateId: 'h:1', attempt: 1 })],
    ['null request', b64({ updateId: 'h:1', request: null, attempt: 1 })],
    ['request without kind', b64({ updateId: 'h:1', request: {}, attempt: 1 })],
    ['unknown kind', b64({ updateId: 'h:1', request: { kind: 'transfer' }, attempt: 1 })],
    ['gather without step', b64({ updateId: 'h:1', request: { kind: 'gather' }, attempt: 1 })],
    [
      'gather with a malformed step',
      b64({ updateId: 'h:1', request: { kind: 'gather', step: '../x' }, attempt: 1 }),
    ],
    [
      'gather with numeric digits',
      b64({ updateId: 'h:1', request: { kind: 'gather', step: '1.main', digits: 1 }, attempt: 1 }),
    ],
    [
      'dial without status',
      b64({ updateId: 'h:1', request: { kind: 'dial', step: '1.s' }, attempt: 1 }),
    ],
    [
      'record with a string duration',
      b64({
        updateId: 'h:1',
        request: { kind: 'record', step: '1.v', durationSeconds: '9' },
        attempt: 1,
      }),
    ],
    ['an oversized token', 'A'.repeat(100_000)],
  ])('rejects %s', (_name, raw) => {
    expect(decodeReplay(raw)).toBeUndefined();
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.json().map(b64)), (raw) => {
        const token = decodeReplay(raw);
        if (token !== undefined) expect(decodeReplay(encodeReplay(token))).toEqual(token);
      }),
      { numRuns: 500 },
    );
  });
});
