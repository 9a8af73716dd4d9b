import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/sim';
import { createTwilioClient, type TwilioClient } from '../../src/twilio/client';
import { startTwimlServer, twiml, type TwimlServer } from './helpers';

const FROM = '+14155550100';

describe('Calls list filters, as reconciliation after a crash uses them', () => {
  let sim: Simulator;
  let client: TwilioClient;
  let app: TwimlServer;
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const sids: Record<string, string> = {};

  beforeAll(async () => {
    sim = buildSimulator({ seed: 5, now: () => new Date(clock) });
    client = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      apiBaseUrl: await sim.start(0),
    });
    app = await startTwimlServer({ '/voice': () => twiml('<Pause length="20"/>') });
    const call = async (name: string, to: string): Promise<void> => {
      const created = await client.calls.create({ to, from: FROM, url: `${app.url}/voice` });
      sids[name] = created.sid;
      await sim.waitForCall(created.sid);
    };
    await call('march1', '+15005550001');
    clock = Date.parse('2026-03-02T10:00:00Z');
    await call('march2', '+15005550001');
    sim.setParty('+15005550002', { answer: 'busy' });
    await call('march2busy', '+15005550002');
    // One call that is never dialed: it waits in the queue behind a blocked slot.
    sim.setCallsPerSecond(1 / 3600);
    const blocker = await client.calls.create({
      to: '+15005550003',
      from: FROM,
      url: `${app.url}/voice`,
    });
    sids.blocker = blocker.sid;
    await sim.waitForCall(blocker.sid);
    const queued = await client.calls.create({
      to: '+15005550001',
      from: FROM,
      url: `${app.url}/voice`,
    });
    sids.queued = queued.sid;
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  const sidsOf = async (filter: Parameters<TwilioClient['calls']['list']>[0]): Promise<string[]> =>
    (await client.calls.list(filter)).map((c) => c.sid).sort();
  const names = (...n: string[]): string[] => n.map((k) => sids[k]!).sort();

  it('filters by To, From and Status', async () => {
    expect(await sidsOf({ to: '+15005550001' })).toEqual(names('march1', 'march2', 'queued'));
    expect(await sidsOf({ status: 'busy' })).toEqual(names('march2busy'));
    expect(await sidsOf({ status: 'queued', to: '+15005550001' })).toEqual(names('queued'));
    expect(await sidsOf({ from: '+14155550199' })).toEqual([]);
  });

  it('filters by StartTime bounds, inclusive, and leaves out calls not yet dialed', async () => {
    expect(
      await sidsOf({ to: '+15005550001', startTimeAfter: new Date('2026-03-02T00:00:00Z') }),
    ).toEqual(names('march2'));
    expect(await sidsOf({ startTimeBefore: new Date('2026-03-01T23:59:59Z') })).toEqual(
      names('march1'),
    );
    expect(await sidsOf({ startTimeAfter: new Date('2026-03-02T10:00:00Z') })).toEqual(
      names('march2', 'march2busy', 'blocker'),
    );
    expect(await sidsOf({ startTimeAfter: new Date('2026-03-02T10:00:01Z') })).toEqual([]);
  });

  it('filters by the UTC day of StartTime', async () => {
    expect(await sidsOf({ startTime: new Date('2026-03-01T00:00:00Z') })).toEqual(names('march1'));
  });

  it('filters by EndTime bounds', async () => {
    // Each answered call lasted 20 s of call time.
    expect(
      await sidsOf({
        endTimeAfter: new Date('2026-03-01T10:00:15Z'),
        endTimeBefore: new Date('2026-03-01T23:00:00Z'),
      }),
    ).toEqual(names('march1'));
    expect(await sidsOf({ endTimeAfter: new Date('2026-03-03T00:00:00Z') })).toEqual([]);
  });

  it('keeps the filters across pages', async () => {
    const page = await client.calls.page({ to: '+15005550001', pageSize: 1 });
    const next = await page.nextPage();
    expect(page.instances).toHaveLength(1);
    expect(next?.instances).toHaveLength(1);
  });

  it('refuses a malformed date filter', async () => {
    const res = await sim.app.inject({
      method: 'GET',
      url: `/2010-04-01/Accounts/${sim.accountSid}/Calls.json?StartTime%3E=yesterday`,
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`,
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 21218 });
  });
});

describe('Messages for the SMS fallback', () => {
  let sim: Simulator;
  let client: TwilioClient;
  let app: TwimlServer;

  beforeAll(async () => {
    sim = buildSimulator({ seed: 9 });
    client = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      apiBaseUrl: await sim.start(0),
    });
    app = await startTwimlServer();
    sim.core.messagingWebhookUrl = `${app.url}/sms/inbound`;
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it.each([
    ['delivered', ['sent', 'delivered']],
    ['undelivered', ['sent', 'undelivered']],
    ['failed', ['failed']],
    ['sent', ['sent']],
  ] as const)('sends status callbacks up to %s, signed', async (outcome, statuses) => {
    const to = `+1500555${String(7000 + statuses.length * 10 + outcome.length)}`;
    sim.setMessageOutcome(to, outcome);
    const m = await client.messages.create({
      to,
      from: FROM,
      body: 'We tried to reach you',
      statusCallback: `${app.url}/sms/status`,
    });
    expect(m.status).toBe('queued');
    await sim.idle();
    const callbacks = app.to('/sms/status').filter((r) => r.params.MessageSid === m.sid);
    expect(callbacks.map((r) => r.params.MessageStatus)).toEqual(statuses);
    expect(callbacks.every((r) => typeof r.headers['x-twilio-signature'] === 'string')).toBe(true);
    if (outcome === 'undelivered') expect(callbacks.at(-1)?.params.ErrorCode).toBe('30003');
    expect((await client.messages(m.sid).fetch()).status).toBe(outcome);
  });

  it('sends queued first for a Messaging Service', async () => {
    const m = await client.messages.create({
      to: '+15005557100',
      messagingServiceSid: 'MG' + '0'.repeat(32),
      body: 'hello',
      statusCallback: `${app.url}/sms/status`,
    });
    expect(m.status).toBe('accepted');
    await sim.idle();
    expect(
      app
        .to('/sms/status')
        .filter((r) => r.params.MessageSid === m.sid)
        .map((r) => r.params.MessageStatus),
    ).toEqual(['queued', 'sent', 'delivered']);
  });

  it('refuses an opted-out recipient with 21610 after their STOP, until START', async () => {
    const who = '+15005557200';
    const stop = await sim.sendInboundSms({ from: who, to: FROM, body: ' stop ' });
    expect(stop.optOut).toBe('STOP');
    const posted = app.to('/sms/inbound').at(-1)!;
    expect(posted.params).toMatchObject({
      From: who,
      To: FROM,
      Body: ' stop ',
      OptOutType: 'STOP',
    });
    expect(posted.headers['x-twilio-signature']).toBeTruthy();
    await expect(client.messages.create({ to: who, from: FROM, body: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 21610,
    });
    await sim.sendInboundSms({ from: who, to: FROM, body: 'START' });
    expect((await client.messages.create({ to: who, from: FROM, body: 'x' })).status).toBe(
      'queued',
    );
  });
});
