import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReplay } from '../../src/server/tokens/replay-token';
import { ACCOUNT_SID } from '../helpers/env';
import { CALL_SID, FORM, encodeForm, harness, inboundParams, sign, type Harness } from './harness';

type Form = Record<string, string | string[]>;

let h: Harness;
beforeAll(async () => {
  h = await harness({ TRUSTED_PROXIES: '10.0.0.7' });
});
afterAll(async () => {
  await h?.app.close();
});

const WF = `call-${CALL_SID}`;
const PROXY = '10.0.0.7';
const printable = (max: number): fc.Arbitrary<string> =>
  fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const unicode = (max: number): fc.Arbitrary<string> =>
  fc.string({ unit: 'binary', maxLength: max });
const huge = fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n));

const replay = fc.oneof(
  unicode(30),
  fc.base64String({ maxLength: 60 }),
  fc
    .record({
      updateId: fc.oneof(fc.stringMatching(/^[\w:.-]{1,40}$/), unicode(10)),
      attempt: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.double()),
      request: fc.oneof(
        fc.constant({ kind: 'inbound' }),
        fc.constant({ kind: 'resume' }),
        fc.record({ kind: fc.constant('gather'), step: fc.constant('1.main'), digits: unicode(5) }),
        fc.record({ kind: fc.constant('dial'), step: fc.constant('2.sales'), status: unicode(10) }),
        fc.anything(),
      ),
    })
    .map((t) => encodeReplay(t as never)),
);

/** Query values that are sometimes right, sometimes almost right, sometimes noise. */
const query = fc.record(
  {
    wf: fc.oneof(
      { weight: 4, arbitrary: fc.constant(WF) },
      fc.constant(`call-CA${'f'.repeat(32)}`),
      unicode(20),
    ),
    step: fc.oneof(
      { weight: 4, arbitrary: fc.constant('1.main') },
      fc.stringMatching(/^\d{1,7}\.[\w-]{0,70}$/),
      unicode(20),
    ),
    on: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('gather', 'dial', 'record', 'resume') },
      fc.constantFrom('gather', 'dial', 'record', 'resume'),
      unicode(10),
    ),
    replay: fc.option(replay, { nil: undefined, freq: 2 }),
    extra: unicode(20),
  },
  { requiredKeys: ['wf', 'step', 'on'] },
);

const path = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '/voice/inbound',
      '/voice/event',
      '/voice/status',
      '/healthz',
      '/readyz',
    ),
  },
  fc.constantFrom(
    '/',
    '/voice',
    '/voice/',
    '/voice/inbound/',
    '/VOICE/INBOUND',
    '/voice/%2e%2e/healthz',
  ),
  fc
    .array(unicode(12), { maxLength: 4 })
    .map((parts) => '/' + parts.map(encodeURIComponent).join('/')),
);

const twilioValue = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      CALL_SID,
      ACCOUNT_SID,
      '+14155550100',
      'client:alice',
      'anonymous',
      'ringing',
      'completed',
      'busy',
      'no-answer',
      '1',
      '0',
      '*#',
      'hangup',
      '',
      'RE' + '0'.repeat(32),
      'https://api.twilio.com/rec',
    ),
  },
  printable(20),
  unicode(20),
  huge,
);

/** Realistic Twilio forms with keys dropped, changed, repeated or added. */
const form: fc.Arbitrary<Form> = fc
  .tuple(
    fc.subarray(Object.entries({ ...inboundParams(), Digits: '1', SequenceNumber: '2' })),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'CallSid',
          'AccountSid',
          'To',
          'From',
          'CallStatus',
          'Digits',
          'SpeechResult',
          'Confidence',
          'DialCallStatus',
          'DialCallDuration',
          'RecordingUrl',
          'RecordingSid',
          'RecordingDuration',
          'SequenceNumber',
          'CallDuration',
          'Timestamp',
          '__proto__',
          'constructor',
        ),
        unicode(10),
      ),
      fc.oneof(twilioValue, fc.array(twilioValue, { minLength: 2, maxLength: 3 })),
      { maxKeys: 6 },
    ),
  )
  .map(([base, extra]) => ({ ...Object.fromEntries(base), ...extra }));

const body = fc.oneof(
  {
    weight: 6,
    arbitrary: form.map((f) => ({ form: f, payload: encodeForm(f) })),
  },
  fc.oneof(unicode(200), huge, fc.json()).map((payload) => ({ form: undefined, payload })),
  fc.constant({ form: undefined, payload: undefined }),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(FORM, `${FORM}; charset=utf-8`) },
  fc.constantFrom(
    FORM,
    `${FORM}; charset=utf-8`,
    'application/json',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    undefined,
  ),
  printable(30),
);

const signature = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('valid', 'forwarded') },
  fc.constantFrom('none', 'garbage', 'wrong-url'),
);

const request = fc.record({
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant('POST') },
    fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
  ),
  path,
  query,
  body,
  contentType,
  signature,
  fromProxy: fc.boolean(),
  idempotency: fc.option(printable(40), { nil: undefined }),
  forwardedHost: fc.option(printable(30), { nil: undefined }),
});

type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

function toInject(r: Generated): InjectOptions {
  const qs = new URLSearchParams(
    Object.entries(r.query).filter((e): e is [string, string] => typeof e[1] === 'string'),
  ).toString();
  const url = qs ? `${r.path}?${qs}` : r.path;
  const params = r.body.form ?? {};
  const headers: Record<string, string> = {};
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  if (r.idempotency !== undefined) headers['i-twilio-idempotency-token'] = r.idempotency;
  if (r.signature === 'valid')
    headers['x-twilio-signature'] = sign(`${h.config.PUBLIC_BASE_URL}${url}`, params);
  if (r.signature === 'forwarded') {
    headers['x-forwarded-proto'] = 'https';
    headers['x-forwarded-host'] = r.forwardedHost ?? 'voice.example.com';
    headers['x-twilio-signature'] = sign(`https://${headers['x-forwarded-host']}${url}`, params);
  }
  if (r.signature === 'garbage') headers['x-twilio-signature'] = 'A'.repeat(27) + '=';
  if (r.signature === 'wrong-url')
    headers['x-twilio-signature'] = sign(`https://evil.example${url}`, params);
  return {
    method: r.method,
    url,
    headers,
    remoteAddress: r.fromProxy ? PROXY : '203.0.113.9',
    ...(r.body.payload !== undefined ? { payload: r.body.payload } : {}),
  };
}

describe('webhook server under random input', () => {
  it('never answers 5xx and never throws', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await h.app.inject(toInject(r));
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode >= 400 && r.method !== 'HEAD') {
          expect(res.json()).toEqual({
            error: expect.any(String) as unknown,
            message: expect.any(String) as unknown,
          });
        }
        if (res.statusCode === 200 && ['/voice/inbound', '/voice/event'].includes(r.path)) {
          expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
          expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response>/);
        }
      }),
      { numRuns: 600 },
    );
    // Enough requests must get past the signature check for the property to say anything.
    expect((seen.get(200) ?? 0) + (seen.get(204) ?? 0)).toBeGreaterThan(5);
    expect(seen.get(400) ?? 0).toBeGreaterThan(10);
    expect(seen.get(403) ?? 0).toBeGreaterThan(10);
  });

  it('validates signed Twilio forms all the way to the parameters', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/voice/inbound',
          `/voice/event?wf=${WF}&step=1.main&on=gather`,
          '/voice/status',
        ),
        form,
        async (route, params) => {
          const res = await h.app.inject({
            method: 'POST',
            url: route,
            payload: encodeForm(params),
            headers: {
              'content-type': FORM,
              'x-twilio-signature': sign(`${h.config.PUBLIC_BASE_URL}${route}`, params),
            },
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect([200, 204, 400, 403, 413]).toContain(res.statusCode);
        },
      ),
      { numRuns: 400 },
    );
    expect(statuses.get(400) ?? 0).toBeGreaterThan(10);
    expect((statuses.get(200) ?? 0) + (statuses.get(204) ?? 0)).toBeGreaterThan(10);
  });
});
