import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { TokenKeys } from '../../../src/server/tokens/keys';
import { tokenKeys } from '../../../src/server/tokens/keys';
import { INBOUND_STEP, encodeReplay } from '../../../src/server/tokens/replay-token';
import { encodeStepToken, STEP_TOKEN_TTL_SECONDS } from '../../../src/server/tokens/step-token';
import type { WebhookRequest } from '../../../workflows/call/definitions';
import type { Harness } from '../harness';
import { CALL_SID } from '../harness';

/**
 * Every forged token carries this marker in its content. The server may go on with a request's own
 * signed input, but the marker must never reach Temporal or PostgreSQL.
 */
export const MARK = 'F0RGED';
const OTHER_CALL = 'CA' + 'f'.repeat(32);
const attacker = tokenKeys('an-attacker-guessing-the-token');
const MINUTE = 60_000;

const shift = (ms: number): Date => new Date(Date.now() + ms);

function tamper(raw: string, at: number): string {
  const i = at % raw.length;
  return raw.slice(0, i) + (raw[i] === 'A' ? 'B' : 'A') + raw.slice(i + 1);
}

const ways = ['other-key', 'wrong-kind', 'other-call', 'other-step', 'stale', 'future'] as const;
type Way = (typeof ways)[number] | 'legacy' | 'tampered';
const way = fc.constantFrom<Way>(...ways, 'legacy', 'tampered');

/** Replay tokens for this call that the server must not honour, each in one way. */
export function forgedReplay(keys: TokenKeys): fc.Arbitrary<string> {
  const requests: WebhookRequest[] = [
    { kind: 'inbound' },
    { kind: 'resume' },
    { kind: 'gather', step: '1.main', digits: '9', speech: MARK },
    { kind: 'dial', step: '1.main', status: MARK },
  ];
  return fc
    .record({
      how: way,
      request: fc.constantFrom(...requests),
      attempt: fc.integer({ min: 1, max: 50 }),
      at: fc.nat(),
    })
    .map(({ how, request, attempt, at }) => {
      const step = request.kind === 'inbound' ? INBOUND_STEP : '1.main';
      const token = { updateId: `x:${MARK}-${attempt}`, request, attempt };
      const mint = (key: Buffer, callSid: string, bound: string, now: Date): string =>
        encodeReplay(key, callSid, bound, token, now);
      switch (how) {
        case 'other-key':
          return mint(attacker.replay, CALL_SID, step, new Date());
        case 'wrong-kind':
          return mint(keys.step, CALL_SID, step, new Date());
        case 'other-call':
          return mint(keys.replay, OTHER_CALL, step, new Date());
        case 'other-step':
          return mint(keys.replay, CALL_SID, '7.elsewhere', new Date());
        case 'stale':
          return mint(keys.replay, CALL_SID, step, shift(-11 * MINUTE));
        case 'future':
          return mint(keys.replay, CALL_SID, step, shift(2 * MINUTE));
        case 'legacy':
          return Buffer.from(JSON.stringify(token)).toString('base64url');
        case 'tampered': {
          const raw = mint(keys.replay, CALL_SID, step, new Date());
          // Only the MAC changes, so the content (and its marker) still reads as before.
          return raw.slice(0, -22) + tamper(raw.slice(-22), at);
        }
      }
    });
}

/** Step tokens for this call that the server must not honour, each in one way. */
export function forgedStep(keys: TokenKeys): fc.Arbitrary<string> {
  const token = {
    ivrId: MARK,
    ivrVersion: 1,
    state: { node: 'main', attempts: 0, seq: 1, ended: false, consent: 'granted' as const },
  };
  return fc.record({ how: way, at: fc.nat() }).map(({ how, at }) => {
    const mint = (key: Buffer, callSid: string, now: Date): string =>
      encodeStepToken(key, callSid, token, now);
    switch (how) {
      case 'other-key':
        return mint(attacker.step, CALL_SID, new Date());
      case 'wrong-kind':
        return mint(keys.replay, CALL_SID, new Date());
      case 'other-call':
      case 'other-step':
        return mint(keys.step, OTHER_CALL, new Date());
      case 'stale':
        return mint(keys.step, CALL_SID, shift(-(STEP_TOKEN_TTL_SECONDS * 1000 + MINUTE)));
      case 'future':
        return mint(keys.step, CALL_SID, shift(2 * MINUTE));
      case 'legacy': {
        // Before issue 10: seven fields, no issued-at, MACed over `${callSid}.${body}`.
        const packed = [MARK, 1, 'main', 0, 1, 0, 'g'];
        const body = Buffer.from(JSON.stringify(packed)).toString('base64url');
        const mac = createHmac('sha256', keys.step).update(`${CALL_SID}.${body}`);
        return `${body}.${mac.digest('base64url').slice(0, 22)}`;
      }
      case 'tampered': {
        const raw = mint(keys.step, CALL_SID, new Date());
        return raw.slice(0, -22) + tamper(raw.slice(-22), at);
      }
    }
  });
}

export const printable = (max: number): fc.Arbitrary<string> =>
  fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
export const unicode = (max: number): fc.Arbitrary<string> =>
  fc.string({ unit: 'binary', maxLength: max });
export const huge = fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n));
/** A value with U+0000 somewhere in it: PostgreSQL refuses NUL in text, so none may get through. */
export const withNul = (value: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(value, fc.nat())
    .map(([v, at]) => `${v.slice(0, at % (v.length + 1))}\u0000${v.slice(at % (v.length + 1))}`);

/** Tokens the server minted for this call, so that the accepting paths run too. */
const genuineReplay = (keys: TokenKeys): fc.Arbitrary<string> =>
  fc
    .record({
      step: fc.constantFrom(INBOUND_STEP, '1.main'),
      attempt: fc.integer({ min: 1, max: 50 }),
    })
    .map(({ step, attempt }) => {
      const request: WebhookRequest =
        step === INBOUND_STEP ? { kind: 'inbound' } : { kind: 'gather', step, digits: '1' };
      return encodeReplay(
        keys.replay,
        CALL_SID,
        step,
        { updateId: 'h:genuine', request, attempt },
        new Date(),
      );
    });
const genuineStep = (keys: TokenKeys): fc.Arbitrary<string> =>
  fc.constant(null).map(() =>
    encodeStepToken(
      keys.step,
      CALL_SID,
      {
        ivrId: 'test-line',
        ivrVersion: 1,
        state: { node: 'main', attempts: 0, seq: 1, ended: false },
      },
      new Date(),
    ),
  );

/** Garbled, forged, misbound, stale or genuine: a token as an attacker or a bug might send it. */
export const anyReplay = (keys: TokenKeys): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.base64String({ maxLength: 60 }),
    forgedReplay(keys),
    genuineReplay(keys),
    withNul(genuineReplay(keys)),
  );
export const anyStep = (keys: TokenKeys): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.base64String({ maxLength: 60 }),
    forgedStep(keys),
    genuineStep(keys),
    withNul(genuineStep(keys)),
  );

/**
 * Hundreds of `&` and then a parameter: `querystring.parse` stops at 1,000 pairs, which let a
 * captured signature cover a URL with anything appended (issue 10).
 */
export const padding = (keys: TokenKeys) =>
  fc.option(
    fc.record({
      count: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 200, max: 1_500 })),
      appended: fc.oneof(
        anyReplay(keys).map((t) => `replay=${encodeURIComponent(t)}`),
        anyStep(keys).map((t) => `st=${encodeURIComponent(t)}`),
        fc.constantFrom('on=resume', 'step=2.main', 'wf=x'),
      ),
    }),
    { nil: undefined, freq: 3 },
  );

/** Twilio's directions, and values no Twilio request carries, up to the 64 KiB body limit. */
export const direction = fc.oneof(
  fc.constantFrom('inbound', 'outbound-api', 'outbound-dial'),
  withNul(fc.constant('inbound')),
  fc.constant('x'.repeat(65)),
  unicode(300),
  huge,
);

const DIRECTION =
  /^(inbound|outbound-api|outbound-dial|trunking-originating|trunking-terminating)$/;

function* strings(value: unknown, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [key, value];
  else if (Array.isArray(value)) for (const v of value) yield* strings(v, key);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) yield* strings(v, k);
  }
}

/** What the routes handed to Temporal and PostgreSQL, from a mark on. */
export const reachedTemporalOrDb = {
  mark: (h: Harness): { calls: number; queries: number } => ({
    calls: h.temporal.calls.length,
    queries: h.db.queries.length,
  }),
  since: (h: Harness, mark: { calls: number; queries: number }): unknown[] => [
    ...h.temporal.calls.slice(mark.calls),
    ...h.db.queries.slice(mark.queries).map((q) => q.values),
  ],
  /** No NUL, no forged content and no direction Twilio does not send gets past the routes. */
  assertClean(h: Harness, mark: { calls: number; queries: number }): void {
    for (const [key, value] of strings(reachedTemporalOrDb.since(h, mark))) {
      if (value.includes('\u0000')) throw new Error(`NUL reached Temporal or the db in ${key}`);
      if (value.includes(MARK)) throw new Error(`forged token content reached ${key}`);
      if (key === 'direction' && !DIRECTION.test(value)) {
        throw new Error(`direction of ${value.length} characters reached Temporal or the db`);
      }
    }
  },
};
