import { WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config';
import type { Db } from '../../../src/db/pool';
import { IvrRegistry } from '../../../src/ivr/registry';
import { buildApp } from '../../../src/server/app';
import { tokenKeys } from '../../../src/server/tokens/keys';
import { decodeStepToken, encodeStepToken } from '../../../src/server/tokens/step-token';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  loadIvr,
  randomCallSid,
  testConfig,
  testDb,
} from '../../helpers/env';
import { FakeServiceError, FakeTemporal, UNAVAILABLE } from '../../helpers/fake-temporal';
import { CALL_SID, harness, inboundParams, signedPost, type Harness } from '../harness';

/**
 * Regression tests for issue 10's webhook defects 6, 7 and 8, at the HTTP layer. Each test names
 * what the old code (commit f1ea662, src/server/routes/voice.ts) did with the same request.
 */

const MODES = ['update', 'journal'] as const;
const WF = `call-${CALL_SID}`;
const ECONNREFUSED = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
  code: 'ECONNREFUSED',
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.app.close();
  h = undefined;
});

/** The harness (fake Temporal, fake db) in one webhook mode. */
async function fake(mode: string, ivrs?: IvrRegistry): Promise<Harness> {
  h = await harness({ WEBHOOK_MODE: mode, WEBHOOK_UPDATE_BUDGET_MS: '200' }, ivrs);
  return h;
}

/** Nothing reached Temporal nor PostgreSQL (the harness's db is where the inbox rows go). */
function expectUntouched(hh: Harness): void {
  expect(hh.temporal.calls).toEqual([]);
  expect(hh.db.queries).toEqual([]);
}

/** The db is unreachable: every query (and a pool's connect) fails like a refused socket. */
function dbDown(hh: Harness): void {
  hh.db.fail = ECONNREFUSED;
  Object.assign(hh.db, { connect: () => Promise.reject(ECONNREFUSED) });
}

const expectHold = (res: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}) => {
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-switchboard-fallback']).toBe('1');
  expect(res.body).toContain('<Redirect');
  expect(res.body).not.toContain('not in service');
  expect(res.body).not.toContain('<Hangup');
};

const statusParams = (): Record<string, string> => ({
  CallSid: CALL_SID,
  AccountSid: ACCOUNT_SID,
  To: '+15005550006',
  CallStatus: 'completed',
  SequenceNumber: '5',
});

describe.each(MODES)('defect 6: unvalidated parameters (WEBHOOK_MODE=%s)', (mode) => {
  // Old: callInputFor copied params.Direction raw into the workflow's input, so 5,000 characters
  // or a NUL started a workflow (update) or was parked in the journal (journal) whose search
  // attribute upsert and call-row write then retried forever. Old inbound answered 200.
  it.each([
    ['5,000 characters', 'x'.repeat(5000)],
    ['a NUL byte', 'inbound\u0000'],
    ['an unknown direction', 'sideways'],
  ])('refuses an inbound Direction of %s with 400 before Temporal or the inbox', async (_n, d) => {
    const hh = await fake(mode);
    const res = await hh.app.inject(
      signedPost(hh, '/voice/inbound', inboundParams({ Direction: d })),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
    expectUntouched(hh);
  });

  // Old: formParams kept NUL in any parameter; nothing refused it at the door, so it reached
  // history or the journal (where jsonb refuses it) instead of a 400.
  it.each([
    ['/voice/inbound', inboundParams({ CallerName: 'Bob\u0000Smith' })],
    [`/voice/event?wf=${WF}&step=1.main&on=gather`, { CallSid: CALL_SID, Confidence: '0.9\u0000' }],
    ['/voice/status', { ...statusParams(), CallbackSource: 'call-progress\u0000' }],
  ])('refuses a NUL in any other parameter on %s with 400', async (path, params) => {
    const hh = await fake(mode);
    const res = await hh.app.inject(signedPost(hh, path, params));
    expect(res.statusCode).toBe(400);
    expectUntouched(hh);
  });
});

describe.each(MODES)('defect 8: PostgreSQL unreachable (WEBHOOK_MODE=%s)', (mode) => {
  // Old (update mode): a signal that failed with WorkflowNotFoundError parked the status, logged a
  // failed park, and still answered 204, so Twilio never retried and the status was lost.
  // Old (journal mode): the same after the failed journal write. Unavailable + no db was already 503.
  it.each([
    ['the workflow closed', () => new WorkflowNotFoundError('closed', WF, undefined)],
    ['Temporal is unavailable', () => new FakeServiceError(UNAVAILABLE, '14 UNAVAILABLE')],
  ])('answers a status callback 503, not 2xx, when %s and it cannot be kept', async (_n, err) => {
    const hh = await fake(mode);
    hh.temporal.onSignal = () => Promise.reject(err());
    dbDown(hh);
    const res = await hh.app.inject(signedPost(hh, '/voice/status', statusParams()));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'unavailable', message: 'status not accepted; retry' });
    expect(hh.temporal.signals).toHaveLength(1);
    expect(hh.db.queries.length).toBeGreaterThanOrEqual(1);
  });

  // Old: the inbound route said "not in service" whenever resolve() found nothing, including on a
  // server whose registry had never managed to read the routes from PostgreSQL.
  it('holds and retries a new call while the IVR routes have never loaded', async () => {
    const ivrs = new IvrRegistry();
    expect(ivrs.loaded).toBe(false);
    const hh = await fake(mode, ivrs);
    const res = await hh.app.inject(signedPost(hh, '/voice/inbound', inboundParams()));
    expectHold(res);
    expect(res.body).toContain('/voice/inbound?replay=');
    expect(hh.temporal.calls).toEqual([]);
  });

  it('still says "not in service" when loaded routes have none for the number', async () => {
    const ivrs = IvrRegistry.fromDefinitions({ '+15005550999': loadIvr('test-line') });
    const hh = await fake(mode, ivrs);
    const res = await hh.app.inject(signedPost(hh, '/voice/inbound', inboundParams()));
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-switchboard-fallback']).toBeUndefined();
    expect(res.body).toContain('not in service');
    expect(hh.temporal.calls).toEqual([]);
  });
});

describe('defect 8: a journaled action whose IVR version is not cached (WEBHOOK_MODE=journal)', () => {
  // Old: `await app.ivrs.version(app.db, …)` ran before answer(), outside its try: a rejecting
  // query became an unhandled route error, HTTP 500, and Twilio dropped the caller.
  it('holds and retries, never 500, when PostgreSQL cannot be asked for that version', async () => {
    const hh = await fake('journal');
    dbDown(hh);
    const state = { node: 'main', attempts: 0, seq: 1, ended: false };
    const st = encodeStepToken(
      tokenKeys(AUTH_TOKEN).step,
      CALL_SID,
      { ivrId: 'test-line', ivrVersion: 99, state },
      new Date(),
    );
    const path = `/voice/event?wf=${WF}&step=1.main&on=gather&st=${st}`;
    const res = await hh.app.inject(signedPost(hh, path, { ...inboundParams(), Digits: '1' }));
    expectHold(res);
    // The retry keeps the carried state: the call stays journaled.
    expect(res.body).toContain(`st=${st}`);
    expect(hh.db.queries[0]?.text).toMatch(/FROM ivr_definitions/);
    expect(hh.temporal.calls).toEqual([]);
  });
});

describe('journal mode against PostgreSQL', () => {
  let db: Db;
  let app: FastifyInstance;
  let config: Config;

  beforeAll(() => {
    db = testDb();
  });
  afterEach(() => app?.close());
  afterAll(() => db?.end());

  async function start(): Promise<void> {
    config = testConfig({ WEBHOOK_MODE: 'journal' });
    app = await buildApp({
      config,
      db,
      temporal: new FakeTemporal().asClient(),
      ivrs: IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
      logger: false,
    });
  }

  const post = (path: string, params: Record<string, string>, token: string): InjectOptions =>
    signedPost({ config }, path, params, { headers: { 'i-twilio-idempotency-token': token } });

  /** Starts a journaled call; returns the path of its first Gather action (with `st`). */
  async function gatherPath(callSid: string): Promise<string> {
    const res = await app.inject(
      post('/voice/inbound', inboundParams({ CallSid: callSid }), `in-${callSid}`),
    );
    expect(res.statusCode).toBe(200);
    const url = /action="([^"]+)"/.exec(res.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(url).toContain('&st=');
    return url.slice(config.PUBLIC_BASE_URL.length);
  }

  async function gatherRows(callSid: string) {
    const { rows } = await db.query<{ payload: { request: { kind: string; speech?: string } } }>(
      `SELECT payload FROM callback_inbox
        WHERE workflow_id = $1 AND payload->'request'->>'kind' = 'gather' ORDER BY id`,
      [`call-${callSid}`],
    );
    return rows;
  }

  // Old: SpeechResult went into the journal raw; jsonb refuses U+0000, so every round failed to
  // park, answered hold-and-redirect, and after 39 rounds the caller heard "we cannot take your call".
  it('defect 6: answers a SpeechResult holding U+0000 and control characters normally', async () => {
    await start();
    const callSid = randomCallSid();
    const gather = await gatherPath(callSid);
    const speech = '\u0000 sales\u0007\tplease\u0000\u001f';
    const res = await app.inject(
      post(
        gather,
        { ...inboundParams({ CallSid: callSid }), SpeechResult: speech },
        `sp-${callSid}`,
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-switchboard-fallback']).toBeUndefined();
    expect(res.body).not.toContain('<Redirect');
    const rows = await gatherRows(callSid);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.request.speech).toBe('sales  please');
    expect(JSON.stringify(rows[0]!.payload)).not.toMatch(/\\u0000/);
  });

  // Old: journaled() parked the step (ON CONFLICT kept the first row) but then advanced the IVR
  // with the retry's own request: Digits 1, 2, 0 under one idempotency key heard sales, support
  // and the operator while the journal (and so the workflow) only ever had "1".
  it('defect 7: answers every retry of one idempotency key from the first journaled body', async () => {
    await start();
    const callSid = randomCallSid();
    const gather = await gatherPath(callSid);
    const bodies: string[] = [];
    for (const digits of ['1', '2', '0']) {
      const res = await app.inject(
        post(gather, { ...inboundParams({ CallSid: callSid }), Digits: digits }, `key-${callSid}`),
      );
      expect(res.statusCode).toBe(200);
      bodies.push(res.body);
    }
    // Byte for byte, but for when each `st` was issued (it carries its minting second).
    const states = bodies.map((b) =>
      [...b.matchAll(/st=([\w-]+\.[\w-]+)/g)].map(
        ([, st]) => decodeStepToken(tokenKeys(AUTH_TOKEN).step, callSid, st!, new Date())?.state,
      ),
    );
    const unstamped = bodies.map((b) => b.replace(/st=[\w-]+\.[\w-]+/g, 'st=…'));
    expect(unstamped[0]).toContain('+15005550101');
    expect(unstamped).toEqual([unstamped[0], unstamped[0], unstamped[0]]);
    expect(states).toEqual([states[0], states[0], states[0]]);
    const rows = await gatherRows(callSid);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.request).toMatchObject({ kind: 'gather', digits: '1' });
  });
});
