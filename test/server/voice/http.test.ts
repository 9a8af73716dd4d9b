import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { INVALID_WEBHOOK_REQUEST } from '../../../workflows/call/webhook-request';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DOMParser } from '@xmldom/xmldom';
import { afterEach, describe, expect, it } from 'vitest';
import { IvrRegistry } from '../../../src/ivr/registry';
import { tokenKeys } from '../../../src/server/tokens/keys';
import { decodeReplay, INBOUND_STEP } from '../../../src/server/tokens/replay-token';
import { ACCOUNT_SID, AUTH_TOKEN, loadIvr } from '../../helpers/env';
import { FakeServiceError, UNAVAILABLE } from '../../helpers/fake-temporal';
import {
  CALL_SID,
  CALLED,
  CALLER,
  FORM,
  encodeForm,
  harness,
  inboundParams,
  sign,
  signedPost,
  type Harness,
} from '../harness';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const WF = `call-${CALL_SID}`;
const eventPath = (step = '1.main', on = 'gather'): string =>
  `/voice/event?wf=${WF}&step=${step}&on=${on}`;
const statusParams = (overrides: Record<string, string> = {}): Record<string, string> => ({
  CallSid: CALL_SID,
  AccountSid: ACCOUNT_SID,
  CallStatus: 'completed',
  SequenceNumber: '3',
  CallDuration: '42',
  Timestamp: 'Tue, 03 Mar 2026 10:00:00 +0000',
  ...overrides,
});

function redirectOf(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const redirect = doc.getElementsByTagName('Redirect')[0];
  if (!redirect?.textContent) throw new Error(`no Redirect in ${xml}`);
  return redirect.textContent;
}

describe('methods and routes', () => {
  it.each([
    ['GET', '/voice/inbound', 'POST'],
    ['PUT', '/voice/status', 'POST'],
    ['DELETE', '/voice/event?wf=x', 'POST'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['PATCH', '/readyz', 'GET, HEAD'],
  ] as const)('answers %s %s with 405 and Allow: %s', async (method, url, allow) => {
    h = await harness();
    const res = await h.app.inject({ method, url });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.json()).toEqual({ error: 'method_not_allowed', message: 'method not allowed' });
    expect(h.temporal.calls).toEqual([]);
  });

  it('answers an unknown path with 404', async () => {
    h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/voice/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect(res.json()).toEqual({ error: 'not_found', message: 'no such route' });
  });
});

describe('request bodies', () => {
  it.each([
    ['application/json', JSON.stringify(inboundParams())],
    ['text/plain', encodeForm(inboundParams())],
    ['multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
    ['application/xml', '<x/>'],
  ])('refuses %s with 415 on every Twilio route', async (type, payload) => {
    h = await harness();
    for (const path of ['/voice/inbound', eventPath(), '/voice/status']) {
      const params = inboundParams();
      const res = await h.app.inject({
        method: 'POST',
        url: path,
        payload,
        headers: {
          'content-type': type,
          'x-twilio-signature': sign(`${h.config.PUBLIC_BASE_URL}${path}`, params),
        },
      });
      expect(res.statusCode, `${type} ${path}`).toBe(415);
      expect(res.json()).toMatchObject({ error: 'unsupported_media_type' });
    }
    expect(h.temporal.calls).toEqual([]);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    h = await harness();
    const params = inboundParams({ SpeechResult: 'x'.repeat(64 * 1024) });
    const res = await h.app.inject(signedPost(h, '/voice/inbound', params));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
    expect(h.temporal.calls).toEqual([]);
  });

  it('accepts a form with a charset', async () => {
    h = await harness();
    const req = signedPost(h, '/voice/inbound', inboundParams());
    const res = await h.app.inject({
      ...req,
      headers: { ...req.headers, 'content-type': `${FORM}; charset=utf-8` },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('parameters', () => {
  it.each([
    ['missing CallSid', { CallSid: '' }],
    ['malformed CallSid', { CallSid: 'CA123' }],
    ['upper-case CallSid', { CallSid: CALL_SID.toUpperCase() }],
    ['missing AccountSid', { AccountSid: '' }],
    ['malformed AccountSid', { AccountSid: 'ACnope' }],
    ['missing To', { To: '' }],
    ['malformed To', { To: '+1 (500) 555' }],
    ['malformed From', { From: '<script>' }],
  ])('answers 400 for an inbound call with %s', async (_name, overrides) => {
    h = await harness();
    const params = Object.fromEntries(
      Object.entries(inboundParams(overrides)).filter(([, v]) => v !== ''),
    );
    const res = await h.app.inject(signedPost(h, '/voice/inbound', params));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
    expect(h.temporal.calls).toEqual([]);
  });

  it('answers 400 when a parameter is repeated', async () => {
    h = await harness();
    const params = { ...inboundParams(), To: [CALLED, '+15005550007'] };
    const res = await h.app.inject(signedPost(h, '/voice/inbound', params));
    expect(res.statusCode).toBe(400);
    expect(h.temporal.calls).toEqual([]);
  });

  it.each([
    ['missing CallStatus', { CallStatus: '' }],
    ['unknown CallStatus', { CallStatus: 'exploded' }],
    ['malformed CallSid', { CallSid: 'nope' }],
    ['malformed SequenceNumber', { SequenceNumber: '-1' }],
    ['malformed CallDuration', { CallDuration: '1e9' }],
  ])('answers 400 for a status callback with %s', async (_name, overrides) => {
    h = await harness();
    const params = Object.fromEntries(
      Object.entries(statusParams(overrides)).filter(([, v]) => v !== ''),
    );
    const res = await h.app.inject(signedPost(h, '/voice/status', params));
    expect(res.statusCode).toBe(400);
    expect(h.temporal.calls).toEqual([]);
  });

  it.each([
    ['no wf', `/voice/event?step=1.main&on=gather`],
    ['a malformed wf', `/voice/event?wf=call-nope&step=1.main&on=gather`],
    ['a wf for another call', `/voice/event?wf=call-CA${'f'.repeat(32)}&step=1.main&on=gather`],
    ['a repeated wf', `/voice/event?wf=${WF}&wf=${WF}&step=1.main&on=gather`],
    ['no step', `/voice/event?wf=${WF}&on=gather`],
    ['a malformed step', `/voice/event?wf=${WF}&step=main&on=gather`],
    ['a step with a path', `/voice/event?wf=${WF}&step=1.main%2F..&on=gather`],
    ['no on', `/voice/event?wf=${WF}&step=1.main`],
    ['an unknown on', `/voice/event?wf=${WF}&step=1.main&on=explode`],
    ['an on that smuggles a query', `/voice/event?wf=${WF}&step=1.main&on=resume%26replay%3Dx`],
  ])('answers 400 for an event with %s', async (_name, path) => {
    h = await harness();
    const res = await h.app.inject(signedPost(h, path, { CallSid: CALL_SID, Digits: '1' }));
    expect(res.statusCode).toBe(400);
    expect(h.temporal.calls).toEqual([]);
  });

  it('answers 400 for malformed Digits', async () => {
    h = await harness();
    const res = await h.app.inject(
      signedPost(h, eventPath(), { CallSid: CALL_SID, Digits: '1; DROP TABLE' }),
    );
    expect(res.statusCode).toBe(400);
    expect(h.temporal.calls).toEqual([]);
  });
});

describe('signatures', () => {
  const cases: [string, (h: Harness) => Record<string, string>][] = [
    ['missing', () => ({})],
    ['empty', () => ({ 'x-twilio-signature': '' })],
    ['garbage', () => ({ 'x-twilio-signature': 'not-a-signature' })],
    [
      'made with another auth token',
      (hh) => ({
        'x-twilio-signature': sign(
          `${hh.config.PUBLIC_BASE_URL}/voice/inbound`,
          inboundParams(),
          'another-token-0123456789',
        ),
      }),
    ],
    [
      'made for another URL',
      () => ({
        'x-twilio-signature': sign('https://evil.example.com/voice/inbound', inboundParams()),
      }),
    ],
    [
      'made over other parameters',
      (hh) => ({
        'x-twilio-signature': sign(
          `${hh.config.PUBLIC_BASE_URL}/voice/inbound`,
          inboundParams({ To: '+15005550007' }),
        ),
      }),
    ],
  ];

  it.each(cases)('answers 403 to a %s signature and signals nothing', async (_name, headers) => {
    h = await harness();
    for (const path of ['/voice/inbound', eventPath(), '/voice/status']) {
      const res = await h.app.inject({
        method: 'POST',
        url: path,
        payload: encodeForm(inboundParams()),
        headers: { 'content-type': FORM, ...headers(h) },
      });
      expect(res.statusCode, path).toBe(403);
      expect(res.json()).toMatchObject({ error: 'invalid_signature' });
    }
    expect(h.temporal.calls).toEqual([]);
    expect(h.db.queries).toEqual([]);
  });

  it('accepts a signature over PUBLIC_BASE_URL and starts the call', async () => {
    h = await harness();
    const res = await h.app.inject(signedPost(h, '/voice/inbound', inboundParams()));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.body).toContain('<Say>Hello.</Say><Hangup/>');
    expect(h.temporal.calls).toEqual([
      {
        method: 'executeUpdateWithStart',
        workflowId: WF,
        name: 'callWebhook',
        updateId: expect.stringMatching(/^h:[0-9a-f]{40}$/) as unknown,
        args: [{ kind: 'inbound' }],
      },
    ]);
  });

  it('uses the Twilio idempotency token as the update id', async () => {
    h = await harness();
    const req = signedPost(h, '/voice/inbound', inboundParams(), {
      headers: { 'i-twilio-idempotency-token': 'abc-123' },
    });
    await h.app.inject(req);
    await h.app.inject(req);
    expect(h.temporal.updates.map((c) => c.updateId)).toEqual(['tw:abc-123', 'tw:abc-123']);
  });

  it('signals a status callback with its event key', async () => {
    h = await harness();
    const res = await h.app.inject(signedPost(h, '/voice/status', statusParams()));
    expect(res.statusCode).toBe(204);
    expect(h.temporal.signals).toEqual([
      {
        method: 'signal',
        workflowId: WF,
        name: 'callStatus',
        args: [
          {
            eventKey: `${CALL_SID}:status:3`,
            callStatus: 'completed',
            sequenceNumber: 3,
            timestamp: '2026-03-03T10:00:00.000Z',
            durationSeconds: 42,
          },
        ],
      },
    ]);
  });

  describe('behind a proxy', () => {
    const PROXY = '10.0.0.7';
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'voice.example.com' };
    const forwardedSigned = (): Record<string, string> => ({
      ...forwarded,
      'x-twilio-signature': sign('https://voice.example.com/voice/inbound', inboundParams()),
    });
    const post = (headers: Record<string, string>, remoteAddress: string) => ({
      method: 'POST' as const,
      url: '/voice/inbound',
      payload: encodeForm(inboundParams()),
      remoteAddress,
      headers: { 'content-type': FORM, ...headers },
    });

    it('accepts a signature over the forwarded URL from a trusted proxy', async () => {
      h = await harness({ TRUSTED_PROXIES: `${PROXY}, 10.0.1.0/24` });
      const res = await h.app.inject(post(forwardedSigned(), PROXY));
      expect(res.statusCode).toBe(200);
      const viaRange = await h.app.inject(post(forwardedSigned(), '10.0.1.9'));
      expect(viaRange.statusCode).toBe(200);
      expect(h.temporal.updates).toHaveLength(2);
    });

    it('refuses the forwarded URL from an untrusted address', async () => {
      h = await harness({ TRUSTED_PROXIES: PROXY });
      const res = await h.app.inject(post(forwardedSigned(), '203.0.113.9'));
      expect(res.statusCode).toBe(403);
      expect(h.temporal.calls).toEqual([]);
    });

    it('refuses the forwarded URL when no proxy is trusted', async () => {
      h = await harness();
      const res = await h.app.inject(post(forwardedSigned(), PROXY));
      expect(res.statusCode).toBe(403);
      expect(h.temporal.calls).toEqual([]);
    });

    it('still accepts a signature over PUBLIC_BASE_URL', async () => {
      h = await harness({ TRUSTED_PROXIES: PROXY });
      const signature = sign(`${h.config.PUBLIC_BASE_URL}/voice/inbound`, inboundParams());
      for (const from of [PROXY, '203.0.113.9']) {
        const res = await h.app.inject(
          post({ ...forwarded, 'x-twilio-signature': signature }, from),
        );
        expect(res.statusCode, from).toBe(200);
      }
    });

    it('answers 403, not 500, to a hostile forwarded host', async () => {
      h = await harness({ TRUSTED_PROXIES: PROXY });
      const res = await h.app.inject(
        post(
          {
            'x-forwarded-host': 'a b<>',
            'x-forwarded-proto': 'https',
            'x-twilio-signature': 'a'.repeat(27) + '=',
          },
          PROXY,
        ),
      );
      expect(res.statusCode).toBe(403);
    });
  });
});

describe('fallback when Temporal cannot answer in time', () => {
  const budget = { WEBHOOK_UPDATE_BUDGET_MS: '100' };

  it.each([
    ['the update outlasts the budget', () => new Promise<never>(() => undefined)],
    [
      'Temporal is unreachable',
      () =>
        Promise.reject(new FakeServiceError(UNAVAILABLE, 'connect ECONNREFUSED 127.0.0.1:7233')),
    ],
  ])('holds and retries the same update when %s', async (_name, failure) => {
    h = await harness(budget);
    h.temporal.onUpdate = failure;
    const started = Date.now();
    const first = await h.app.inject(signedPost(h, '/voice/inbound', inboundParams()));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(first.body).toMatch(/<Say>Please hold[^<]*<\/Say><Pause length="1"\/><Redirect/);
    const retryUrl = new URL(redirectOf(first.body));
    expect(retryUrl.origin + retryUrl.pathname).toBe(`${h.config.PUBLIC_BASE_URL}/voice/inbound`);
    const token = decodeReplay(
      tokenKeys(AUTH_TOKEN).replay,
      CALL_SID,
      INBOUND_STEP,
      retryUrl.searchParams.get('replay') ?? '',
      new Date(),
    );
    const [original] = h.temporal.updates;
    expect(token).toEqual({
      updateId: original!.updateId,
      request: { kind: 'inbound' },
      attempt: 2,
    });

    // Twilio follows the Redirect with the call's standard parameters, signed over that URL.
    h.temporal.onUpdate = () => Promise.resolve({ verbs: [{ verb: 'hangup' }] });
    const path = retryUrl.pathname + retryUrl.search;
    const params = inboundParams({ CallStatus: 'in-progress' });
    const retry = await h.app.inject({
      method: 'POST',
      url: path,
      payload: encodeForm(params),
      headers: { 'content-type': FORM, 'x-twilio-signature': sign(retryUrl.href, params) },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.body).toContain('<Hangup/>');
    expect(h.temporal.updates.map((c) => c.updateId)).toEqual([
      original!.updateId,
      original!.updateId,
    ]);
    expect(h.temporal.updates[1]!.args).toEqual([{ kind: 'inbound' }]);
  });

  it('hangs up politely, without retrying, when the workflow rejects the request', async () => {
    h = await harness(budget);
    h.temporal.onUpdate = () =>
      Promise.reject(
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.nonRetryable(
            'webhook request has a malformed step',
            INVALID_WEBHOOK_REQUEST,
          ),
        ),
      );
    const res = await h.app.inject(
      signedPost(h, eventPath('4.main'), { CallSid: CALL_SID, Digits: '2' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-switchboard-fallback']).toBeUndefined();
    expect(res.body).toMatch(/<Say>We are sorry[^<]*<\/Say><Hangup\/>/);
    expect(res.body).not.toContain('<Redirect');
  });

  it('holds and retries when the server rejects an update no worker processed (issue 10, defect 3)', async () => {
    h = await harness(budget);
    // What Temporal answers when a speculative workflow task ended without the worker seeing the
    // update: a rejection that is about the race, not about the request.
    h.temporal.onUpdate = () =>
      Promise.reject(
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.create({
            message:
              "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.",
          }),
        ),
      );
    const res = await h.app.inject(
      signedPost(h, eventPath('4.main'), { CallSid: CALL_SID, Digits: '2' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-switchboard-fallback']).toBe('1');
    expect(res.body).toContain('<Redirect');
    expect(res.body).not.toContain('<Hangup');
  });

  it('replays an action request with its original digits', async () => {
    h = await harness(budget);
    h.temporal.onUpdate = () => new Promise<never>(() => undefined);
    const first = await h.app.inject(
      signedPost(h, eventPath('4.main'), { CallSid: CALL_SID, Digits: '2' }),
    );
    expect(first.headers['x-switchboard-fallback']).toBe('1');
    const retryUrl = new URL(redirectOf(first.body));
    h.temporal.onUpdate = () => Promise.resolve({ verbs: [{ verb: 'hangup' }] });
    const params = { CallSid: CALL_SID, AccountSid: ACCOUNT_SID };
    const retry = await h.app.inject({
      method: 'POST',
      url: retryUrl.pathname + retryUrl.search,
      payload: encodeForm(params),
      headers: { 'content-type': FORM, 'x-twilio-signature': sign(retryUrl.href, params) },
    });
    expect(retry.statusCode).toBe(200);
    const [a, b] = h.temporal.updates;
    expect(b!.updateId).toBe(a!.updateId);
    expect(b!.args).toEqual([{ kind: 'gather', step: '4.main', digits: '2' }]);
  });

  it('parks a status callback in PostgreSQL when Temporal is down, 503 if that fails too', async () => {
    h = await harness(budget);
    h.temporal.onSignal = () => Promise.reject(new FakeServiceError(UNAVAILABLE, 'unavailable'));
    const parked = await h.app.inject(signedPost(h, '/voice/status', statusParams()));
    expect(parked.statusCode).toBe(202);
    expect(h.db.queries[0]!.text).toMatch(/INSERT INTO callback_inbox/);
    h.db.fail = new Error('connection refused');
    const refused = await h.app.inject(signedPost(h, '/voice/status', statusParams()));
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toEqual({ error: 'unavailable', message: 'status not accepted; retry' });
  });

  it('parks a status callback that comes after its call workflow closed, for the relay to log', async () => {
    h = await harness(budget);
    h.temporal.onSignal = () =>
      Promise.reject(new WorkflowExecutionAlreadyStartedError('closed', 'call-x', 'callWorkflow'));
    const late = await h.app.inject(signedPost(h, '/voice/status', statusParams()));
    expect(late.statusCode).toBe(204);
    expect(h.db.queries.map((q) => q.text)).toEqual([
      expect.stringMatching(/INSERT INTO callback_inbox/),
    ]);
  });
});

describe('errors and logs', () => {
  it('answers a 500 without detail', async () => {
    const ivrs = IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') });
    ivrs.resolve = () => {
      throw new Error('password=hunter2 at /srv/app/secret.ts:12');
    };
    h = await harness({}, ivrs);
    const res = await h.app.inject(signedPost(h, '/voice/inbound', inboundParams()));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal', message: 'internal error' });
    expect(res.body).not.toMatch(/hunter2|secret|stack/);
  });

  it('never logs the auth token, signature, full phone numbers or digits', async () => {
    h = await harness({ WEBHOOK_UPDATE_BUDGET_MS: '100' });
    const digits = '7391';
    const inbound = signedPost(h, '/voice/inbound', inboundParams());
    const gather = signedPost(h, eventPath('2.main'), {
      CallSid: CALL_SID,
      AccountSid: ACCOUNT_SID,
      From: CALLER,
      To: CALLED,
      Digits: digits,
      SpeechResult: `my number is ${CALLER}`,
    });
    await h.app.inject(inbound);
    await h.app.inject(gather);
    // The fallback path logs warnings; a bad request logs its error code.
    h.temporal.onUpdate = () =>
      Promise.reject(new FakeServiceError(UNAVAILABLE, 'connect ECONNREFUSED'));
    await h.app.inject(gather);
    await h.app.inject(signedPost(h, eventPath('2.main'), { CallSid: CALL_SID, Digits: 'x9' }));
    await h.app.inject({ ...gather, headers: { ...gather.headers, 'x-twilio-signature': 'bad' } });

    const text = h.logs.join('');
    expect(h.logs.length).toBeGreaterThanOrEqual(3);
    expect(text).toContain('+1415****100');
    const signatures = [inbound, gather].map((r) => String(r.headers?.['x-twilio-signature']));
    for (const secret of [AUTH_TOKEN, ...signatures, CALLER, CALLED, CALLER.slice(2), digits]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('/readyz', () => {
  it('is ready when PostgreSQL and Temporal answer', async () => {
    h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
  });

  it('names PostgreSQL when its query fails', async () => {
    h = await harness();
    h.db.fail = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'unavailable',
      checks: { postgres: 'down: connect ECONNREFUSED 127.0.0.1:5432', temporal: 'ok' },
    });
  });

  it('names Temporal when getSystemInfo fails', async () => {
    h = await harness();
    h.temporal.onSystemInfo = () =>
      Promise.reject(new FakeServiceError(UNAVAILABLE, '14 UNAVAILABLE: no connection'));
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      checks: { postgres: 'ok', temporal: 'down: 14 UNAVAILABLE: no connection' },
    });
  });

  it('answers /healthz without touching dependencies', async () => {
    h = await harness();
    h.db.fail = new Error('down');
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
