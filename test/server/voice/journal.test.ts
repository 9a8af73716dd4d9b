import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/pool';
import { createPool } from '../../../src/db/pool';
import { IvrRegistry } from '../../../src/ivr/registry';
import { buildApp } from '../../../src/server/app';
import type { Config } from '../../../src/config';
import { ACCOUNT_SID, loadIvr, randomCallSid, testConfig, testDb } from '../../helpers/env';
import { FakeTemporal } from '../../helpers/fake-temporal';
import { inboundParams, signedPost } from '../harness';

/** Journal mode against the real test database, with a Temporal fake that records every call. */
let db: Db;
let temporal: FakeTemporal;
let app: FastifyInstance;
let config: Config;

async function start(database: Db = db, mode = 'journal'): Promise<void> {
  config = testConfig({ WEBHOOK_MODE: mode });
  temporal = new FakeTemporal();
  app = await buildApp({
    config,
    db: database,
    temporal: temporal.asClient(),
    ivrs: IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
    logger: false,
  });
}

beforeAll(() => {
  db = testDb();
});
afterEach(() => app?.close());
afterAll(() => db?.end());

const actionOf = (xml: string): string => {
  const url = /action="([^"]+)"/.exec(xml)?.[1]?.replace(/&amp;/g, '&') ?? '';
  return url.slice(config.PUBLIC_BASE_URL.length);
};

async function inboxRows(callSid: string) {
  const { rows } = await db.query<{
    kind: string;
    payload: { key: string; before?: { node: string; seq: number }; request: { kind: string } };
    has_start: boolean;
  }>(
    `SELECT kind, payload, start_input IS NOT NULL AS has_start
       FROM callback_inbox WHERE workflow_id = $1 ORDER BY id`,
    [`call-${callSid}`],
  );
  return rows;
}

function inbound(callSid: string, token = `tok-${callSid}`) {
  return signedPost({ config }, '/voice/inbound', inboundParams({ CallSid: callSid }), {
    headers: { 'i-twilio-idempotency-token': token },
  });
}

describe('journal mode', () => {
  it('answers each step from the IVR engine and journals it, without waiting on Temporal', async () => {
    await start();
    const callSid = randomCallSid();
    const first = await app.inject(inbound(callSid));
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('For sales, press 1');
    const gather = actionOf(first.body);
    expect(gather).toMatch(
      /^\/voice\/event\?wf=call-CA\w+&step=1\.main&on=gather&st=[\w-]+\.[\w-]+$/,
    );

    const press = await app.inject(
      signedPost({ config }, gather, { ...inboundParams({ CallSid: callSid }), Digits: '1' }),
    );
    expect(press.statusCode).toBe(200);
    expect(press.body).toContain('<Dial');
    expect(press.body).toContain('+15005550101');

    expect(temporal.calls).toEqual([]);
    const rows = await inboxRows(callSid);
    expect(rows.map((r) => [r.kind, r.payload.request.kind, r.has_start])).toEqual([
      ['step', 'inbound', true],
      ['step', 'gather', true],
    ]);
    expect(rows[1]!.payload.before).toMatchObject({ node: 'main', seq: 1 });
  });

  it('answers a retried webhook exactly as the first time and journals it once', async () => {
    await start();
    const callSid = randomCallSid();
    const first = await app.inject(inbound(callSid));
    const again = await app.inject(inbound(callSid));
    expect(again.body).toBe(first.body);
    const gather = actionOf(first.body);
    const pressed = signedPost(
      { config },
      gather,
      { ...inboundParams({ CallSid: callSid }), Digits: '7' },
      { headers: { 'i-twilio-idempotency-token': 'press-token' } },
    );
    const one = await app.inject(pressed);
    const two = await app.inject(pressed);
    expect(one.body).toContain('Sorry, that is not an option.');
    expect(two.body).toBe(one.body);
    expect(await inboxRows(callSid)).toHaveLength(2);
  });

  it('does not trust a state it did not mint, nor one that names another step', async () => {
    await start();
    const callSid = randomCallSid();
    const gather = actionOf((await app.inject(inbound(callSid))).body);
    const params = { ...inboundParams({ CallSid: callSid }), Digits: '1' };

    const forged = gather.replace(/st=[\w-]+\./, 'st=WyJ0ZXN0LWxpbmUiLDEsInNhbGVzIiwwLDEsMCwiIl0.');
    const viaWorkflow = await app.inject(signedPost({ config }, forged, params));
    expect(viaWorkflow.statusCode).toBe(200);
    // Without a state of its own making the server asks the workflow, as in update mode.
    expect(temporal.updates.map((u) => u.method)).toEqual(['executeUpdate']);

    const otherStep = gather.replace('step=1.main', 'step=2.main');
    const wrong = await app.inject(signedPost({ config }, otherStep, params));
    expect(wrong.statusCode).toBe(400);
    expect(await inboxRows(callSid)).toHaveLength(1);
  });

  it('keeps a journaled call journaled on a server in update mode', async () => {
    await start();
    const callSid = randomCallSid();
    const gather = actionOf((await app.inject(inbound(callSid))).body);
    await app.close();
    await start(db, 'update');
    const press = await app.inject(
      signedPost({ config }, gather, { ...inboundParams({ CallSid: callSid }), Digits: '1' }),
    );
    expect(press.body).toContain('<Dial');
    expect(temporal.calls).toEqual([]);
    expect(await inboxRows(callSid)).toHaveLength(2);
  });

  it('journals status callbacks for the relay instead of signalling', async () => {
    await start();
    const callSid = randomCallSid();
    const res = await app.inject(
      signedPost({ config }, '/voice/status', {
        CallSid: callSid,
        AccountSid: ACCOUNT_SID,
        To: '+15005550006',
        CallStatus: 'in-progress',
        SequenceNumber: '1',
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(temporal.calls).toEqual([]);
    const rows = await inboxRows(callSid);
    expect(rows.map((r) => [r.kind, r.has_start])).toEqual([['status', true]]);
  });

  it('answers the update way when PostgreSQL is unreachable', async () => {
    const down = createPool('postgres://postgres@127.0.0.1:1/none', 1);
    await start(down);
    try {
      const res = await app.inject(inbound(randomCallSid()));
      expect(res.statusCode).toBe(200);
      expect(temporal.updates.map((u) => u.method)).toEqual(['executeUpdateWithStart']);
      expect(res.body).not.toContain('st=');
    } finally {
      await app.close();
      await down.end();
    }
  });
});
