import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../../src/db/pool';
import { IvrRegistry } from '../../../src/ivr/registry';
import { buildApp } from '../../../src/server/app';
import { buildSimulator, type Simulator } from '../../../src/sim';
import { isSuppressed, optOutHistory } from '../../../src/suppression/store';
import { loadIvr, testConfig, testDb } from '../../helpers/env';
import { FakeTemporal } from '../../helpers/fake-temporal';

/** The simulator's inbound SMS, signed as Twilio signs it, reach the app's /sms/inbound. */
let sim: Simulator;
let app: FastifyInstance;
let db: Db;
let base = '';

beforeAll(async () => {
  sim = buildSimulator({ seed: 21 });
  db = testDb();
  await db.query('TRUNCATE opt_outs, opt_out_events');
  // The app learns its public URL only once it listens; the config is built for that port.
  const probe = await buildApp(appDeps(testConfig(), db));
  await probe.listen({ port: 0, host: '127.0.0.1' });
  const address = probe.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await probe.close();
  base = `http://127.0.0.1:${port}`;
  app = await buildApp(
    appDeps(
      testConfig({
        PUBLIC_BASE_URL: base,
        TWILIO_AUTH_TOKEN: sim.authToken,
        TWILIO_ACCOUNT_SID: sim.accountSid,
      }),
      db,
    ),
  );
  await app.listen({ port, host: '127.0.0.1' });
  sim.core.messagingWebhookUrl = `${base}/sms/inbound`;
});
afterAll(async () => {
  await app.close();
  await sim.close();
  await db.end();
});

function appDeps(config: ReturnType<typeof testConfig>, pool: Db) {
  return {
    config,
    db: pool,
    temporal: new FakeTemporal().asClient(),
    ivrs: IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
    logger: false as const,
  };
}

it('records a STOP sent through the simulator, and a START lifts it', async () => {
  const who = '+14155550177';
  const stop = await sim.sendInboundSms({ from: who, to: '+15005550006', body: 'Stop' });
  expect(stop.status).toBe(200);
  expect(stop.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  expect(await isSuppressed(db, who)).toBe(true);
  const help = await sim.sendInboundSms({ from: who, to: '+15005550006', body: 'help' });
  expect(help.body).toContain('<Message>');
  await sim.sendInboundSms({ from: who, to: '+15005550006', body: 'UNSTOP' });
  expect(await isSuppressed(db, who)).toBe(false);
  expect((await optOutHistory(db, who)).map((e) => e.source)).toEqual(['sms:STOP', 'sms:UNSTOP']);
});

it('is refused when signed with another auth token', async () => {
  const other = buildSimulator({ seed: 22, authToken: 'another-auth-token-00000000000' });
  other.core.messagingWebhookUrl = `${base}/sms/inbound`;
  try {
    const res = await other.sendInboundSms({
      from: '+14155550178',
      to: '+15005550006',
      body: 'STOP',
    });
    expect(res.status).toBe(403);
    expect(await isSuppressed(db, '+14155550178')).toBe(false);
  } finally {
    await other.close();
  }
});
