import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../../src/db/pool';
import { IvrRegistry } from '../../../src/ivr/registry';
import { buildApp } from '../../../src/server/app';
import type { ConsentChange } from '../../../src/server/sms/plugin';
import { isSuppressed, optOutHistory } from '../../../src/suppression/store';
import { ACCOUNT_SID, loadIvr, testConfig, testDb } from '../../helpers/env';
import { FakeTemporal } from '../../helpers/fake-temporal';
import { FORM, encodeForm, signedPost } from '../harness';

const SENDER = '+14155550142';
const config = testConfig({ SMS_HELP_TEXT: 'Acme alerts. Reply STOP to opt out. <3 & more' });
let seq = 0;
const sms = (body: string, overrides: Record<string, string> = {}): Record<string, string> => ({
  MessageSid: 'SM' + (seq++).toString(16).padStart(32, '0'),
  AccountSid: ACCOUNT_SID,
  From: SENDER,
  To: '+15005550006',
  Body: body,
  NumMedia: '0',
  ...overrides,
});

async function appWith(db: Db, changes: ConsentChange[] = []): Promise<FastifyInstance> {
  return buildApp({
    config,
    db,
    temporal: new FakeTemporal().asClient(),
    ivrs: IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
    logger: false,
    onConsentChange: (_app, change) => {
      changes.push(change);
      return Promise.resolve();
    },
  });
}

let db: Db;
let app: FastifyInstance;
const changes: ConsentChange[] = [];
beforeAll(async () => {
  db = testDb();
  app = await appWith(db, changes);
});
afterAll(async () => {
  await app.close();
  await db.end();
});
beforeEach(async () => {
  changes.length = 0;
  await db.query('TRUNCATE opt_outs, opt_out_events');
});

const post = (params: Record<string, string>) =>
  app.inject(signedPost({ config }, '/sms/inbound', params));

describe('POST /sms/inbound', () => {
  it.each(['STOP', 'stopall', ' Unsubscribe ', 'CANCEL', 'end', 'QUIT', 'revoke', 'OptOut'])(
    '%j opts the sender out, answers empty TwiML and tells the hook',
    async (keyword) => {
      const res = await post(sms(keyword));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/xml/);
      expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await isSuppressed(db, SENDER)).toBe(true);
      const [event] = await optOutHistory(db, SENDER);
      expect(event?.source).toBe(`sms:${keyword.trim().toUpperCase()}`);
      expect(changes).toEqual([
        expect.objectContaining({ phone: SENDER, action: 'opt-out', source: event?.source }),
      ]);
    },
  );

  it.each(['START', 'yes', 'Unstop'])('%j lifts an opt-out', async (keyword) => {
    await post(sms('STOP'));
    const res = await post(sms(keyword));
    expect(res.statusCode).toBe(200);
    expect(await isSuppressed(db, SENDER)).toBe(false);
    expect((await optOutHistory(db, SENDER)).map((e) => e.action)).toEqual(['opt-out', 'opt-in']);
    expect(changes.map((c) => c.action)).toEqual(['opt-out', 'opt-in']);
  });

  it.each(['HELP', 'info'])('%j answers with the configured text, escaped', async (keyword) => {
    const res = await post(sms(keyword));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acme alerts. Reply STOP to opt out. &lt;3 &amp; more</Message></Response>',
    );
    expect(changes).toEqual([]);
  });

  it.each(['please stop calling me', 'STOP!', 'stop stop', '', 'Hello'])(
    'does not act on %j',
    async (body) => {
      const res = await post(sms(body));
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await isSuppressed(db, SENDER)).toBe(false);
      expect(changes).toEqual([]);
    },
  );

  it('refuses a bad or missing signature before acting', async () => {
    const params = sms('STOP');
    const forged = await app.inject({
      ...signedPost({ config }, '/sms/inbound', params),
      payload: encodeForm({ ...params, From: '+14155550199' }),
    });
    expect(forged.statusCode).toBe(403);
    const unsigned = await app.inject({
      method: 'POST',
      url: '/sms/inbound',
      payload: encodeForm(params),
      headers: { 'content-type': FORM },
    });
    expect(unsigned.statusCode).toBe(403);
    expect(await isSuppressed(db, '+14155550199')).toBe(false);
    expect(await isSuppressed(db, SENDER)).toBe(false);
  });

  it.each([
    ['a missing From', { From: '' }, /From/],
    ['a From that is not E.164', { From: '4155550142' }, /From/],
    ['a malformed MessageSid', { MessageSid: 'SMnope' }, /MessageSid/],
    ['a missing AccountSid', { AccountSid: '' }, /AccountSid/],
    ['a Body over 1600 characters', { Body: 'x'.repeat(1601) }, /Body/],
  ])('answers %s with a clear 400', async (_label, overrides, message) => {
    const res = await post(sms('STOP', overrides));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message: expect.stringMatching(message) });
    expect(changes).toEqual([]);
  });

  it('answers 503, not 200, when PostgreSQL cannot record a STOP', async () => {
    const down = createPool('postgres://postgres@127.0.0.1:1/nowhere', 1);
    const downApp = await appWith(down, changes);
    try {
      const res = await downApp.inject(signedPost({ config }, '/sms/inbound', sms('STOP')));
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'unavailable' });
      expect(changes).toEqual([]);
      // HELP needs no database, and still answers.
      const help = await downApp.inject(signedPost({ config }, '/sms/inbound', sms('HELP')));
      expect(help.statusCode).toBe(200);
    } finally {
      await downApp.close();
      await down.end();
    }
  });

  it('keeps the opt-out when the consent hook fails', async () => {
    const failing = await buildApp({
      config,
      db,
      temporal: new FakeTemporal().asClient(),
      ivrs: IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
      logger: false,
      onConsentChange: () => Promise.reject(new Error('temporal away')),
    });
    try {
      const res = await failing.inject(signedPost({ config }, '/sms/inbound', sms('STOP')));
      expect(res.statusCode).toBe(200);
      expect(await isSuppressed(db, SENDER)).toBe(true);
    } finally {
      await failing.close();
    }
  });

  it('answers in time when the consent hook hangs, with the opt-out kept', async () => {
    const quick = testConfig({ WEBHOOK_UPDATE_BUDGET_MS: '200' });
    const hanging = await buildApp({
      config: quick,
      db,
      temporal: new FakeTemporal().asClient(),
      ivrs: IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
      logger: false,
      onConsentChange: () => new Promise<void>(() => undefined),
    });
    try {
      const res = await hanging.inject(signedPost({ config: quick }, '/sms/inbound', sms('QUIT')));
      expect(res.statusCode).toBe(200);
      expect(await isSuppressed(db, SENDER)).toBe(true);
    } finally {
      await hanging.close();
    }
  });
});
