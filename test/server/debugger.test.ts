import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/db/pool';
import { IvrRegistry } from '../../src/ivr/registry';
import { buildApp } from '../../src/server/app';
import { ACCOUNT_SID, loadIvr, randomCallSid, testConfig, testDb } from '../helpers/env';
import { FakeTemporal } from '../helpers/fake-temporal';
import { encodeForm, FORM, sign, signedPost } from './harness';

const PATH = '/twilio/debugger';
const config = testConfig();

/** The webhook server over the real test database (or one that refuses every connection). */
const appOver = (db: Db): Promise<FastifyInstance> =>
  buildApp({
    config,
    db,
    temporal: new FakeTemporal().asClient(),
    ivrs: IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
    logger: false,
  });

const alertSid = (): string => 'NO' + randomCallSid().slice(2);

/** A Debugger delivery as Twilio sends it: an 11200 on a Gather action of `callSid`. */
function alertForm(sid: string, callSid: string, payload: unknown = undefined) {
  return {
    AccountSid: ACCOUNT_SID,
    Sid: sid,
    ParentAccountSid: '',
    Timestamp: '2026-12-01T21:58:07Z',
    Level: 'ERROR',
    PayloadType: 'application/json',
    Payload: JSON.stringify(
      payload ?? {
        resource_sid: callSid,
        service_sid: null,
        error_code: '11200',
        more_info: { Msg: 'Connection refused' },
        webhook: {
          request: { url: 'https://old.example.com/voice/event', method: 'POST' },
          response: { status_code: null },
        },
      },
    ),
  };
}

let db: Db;
let app: FastifyInstance;
beforeAll(async () => {
  db = testDb();
  app = await appOver(db);
});
afterAll(async () => {
  await app?.close();
  await db?.end();
});

const rowsOf = async (sid: string) =>
  (
    await db.query<{ call_sid: string | null; error_code: string; explanation: string }>(
      'SELECT call_sid, error_code, explanation, payload FROM debugger_alerts WHERE alert_sid = $1',
      [sid],
    )
  ).rows;

describe('POST /twilio/debugger', () => {
  it('keeps a signed alert with the catalog explanation and the CallSid it concerns', async () => {
    const sid = alertSid();
    const callSid = randomCallSid();
    const res = await app.inject(signedPost({ config }, PATH, alertForm(sid, callSid)));
    expect(res.statusCode).toBe(204);
    const rows = await rowsOf(sid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ call_sid: callSid, error_code: '11200' });
    expect(rows[0]!.explanation).toMatch(/^11200 HTTP retrieval failure — fix: /);
  });

  it('finds the call in the webhook request when resource_sid is not a call', async () => {
    const sid = alertSid();
    const callSid = randomCallSid();
    const payload = {
      resource_sid: 'PN' + '1'.repeat(32),
      error_code: 12100,
      webhook: { request: { parameters: { CallSid: callSid } } },
    };
    const form = alertForm(sid, callSid, payload);
    expect((await app.inject(signedPost({ config }, PATH, form))).statusCode).toBe(204);
    expect((await rowsOf(sid))[0]).toMatchObject({ call_sid: callSid, error_code: '12100' });
  });

  it('refuses unsigned and forged deliveries with 403 and keeps nothing', async () => {
    const sid = alertSid();
    const form = alertForm(sid, randomCallSid());
    const unsigned = await app.inject({
      method: 'POST',
      url: PATH,
      payload: encodeForm(form),
      headers: { 'content-type': FORM },
    });
    const forged = await app.inject(
      signedPost({ config }, PATH, form, {
        headers: { 'x-twilio-signature': sign(`${config.PUBLIC_BASE_URL}${PATH}`, form, 'x') },
      }),
    );
    expect([unsigned.statusCode, forged.statusCode]).toEqual([403, 403]);
    expect(await rowsOf(sid)).toHaveLength(0);
  });

  it('keeps a repeated delivery once and still answers 204', async () => {
    const sid = alertSid();
    const form = alertForm(sid, randomCallSid());
    const first = await app.inject(signedPost({ config }, PATH, form));
    const again = await app.inject(signedPost({ config }, PATH, form));
    expect([first.statusCode, again.statusCode]).toEqual([204, 204]);
    expect(await rowsOf(sid)).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"error_code":'],
    ['a JSON array', '[1,2]'],
    ['an escaped NUL', JSON.stringify({ error_code: '11200', more_info: { Msg: 'a\u0000b' } })],
    ['over 16 KiB', JSON.stringify({ error_code: '11200', pad: 'x'.repeat(16 * 1024) })],
    ['a malformed error_code', JSON.stringify({ error_code: '11200; DROP' })],
  ])('answers 400 to a Payload that is %s and keeps nothing', async (_, text) => {
    const sid = alertSid();
    const form = { ...alertForm(sid, randomCallSid()), Payload: text };
    const res = await app.inject(signedPost({ config }, PATH, form));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
    expect(await rowsOf(sid)).toHaveLength(0);
  });

  it('answers 400 to a malformed Sid, Level or Timestamp', async () => {
    const base = alertForm(alertSid(), randomCallSid());
    for (const bad of [{ Sid: 'NOT-A-SID' }, { Level: 'PANIC' }, { Timestamp: 'yesterday' }]) {
      const res = await app.inject(signedPost({ config }, PATH, { ...base, ...bad }));
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
  });

  it('answers 503 when PostgreSQL refuses, so Twilio delivers the alert again', async () => {
    const down = createPool('postgres://postgres@127.0.0.1:1/nowhere_test', 1);
    const offline = await appOver(down);
    try {
      const sid = alertSid();
      const res = await offline.inject(
        signedPost({ config }, PATH, alertForm(sid, randomCallSid())),
      );
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'unavailable' });
      expect(await rowsOf(sid)).toHaveLength(0);
    } finally {
      await offline.close();
      await down.end();
    }
  });
});
