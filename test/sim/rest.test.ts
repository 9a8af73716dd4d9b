import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, readWavInfo, type Simulator } from '../../src/sim';
import { createTwilioClient, rewriteTwilioUrl, type TwilioClient } from '../../src/twilio/client';
import { startTwimlServer, twiml, type TwimlServer } from './helpers';

interface RestError {
  status: number;
  code: number;
  moreInfo: string;
}

async function restError(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (err) {
    return err as RestError;
  }
  throw new Error('expected the request to fail');
}

describe('REST API through the real twilio client', () => {
  let sim: Simulator;
  let client: TwilioClient;
  let app: TwimlServer;

  beforeAll(async () => {
    sim = buildSimulator({ seed: 7, webhookTimeoutMs: 2000 });
    const base = await sim.start(0);
    client = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      apiBaseUrl: base,
    });
    app = await startTwimlServer({
      '/voice': () => twiml('<Say>Hello from the app</Say><Pause length="2"/>'),
      '/conf': () =>
        twiml(
          '<Dial><Conference statusCallback="/conf-events" statusCallbackEvent="start end join leave mute hold">room-1</Conference></Dial>',
        ),
    });
  });

  afterAll(async () => {
    // close() ends calls still ringing or waiting in a conference; idle() would wait them out.
    await sim.close();
    await app.close();
  });

  it('rewrites every *.twilio.com host to the base URL', () => {
    expect(
      rewriteTwilioUrl('https://api.twilio.com/2010-04-01/Accounts.json', 'http://127.0.0.1:3100/'),
    ).toBe('http://127.0.0.1:3100/2010-04-01/Accounts.json');
    expect(rewriteTwilioUrl('https://api.dublin.ie1.twilio.com/x?y=1', 'http://h:1')).toBe(
      'http://h:1/x?y=1',
    );
  });

  it('creates, fetches and lists calls with filters and paging', async () => {
    const created = await client.calls.create({
      to: '+15005550006',
      from: '+14155550100',
      url: `${app.url}/voice`,
      statusCallback: `${app.url}/status`,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(created.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');
    expect(created.direction).toBe('outbound-api');
    expect(created.accountSid).toBe(sim.accountSid);
    const run = await sim.waitForCall(created.sid);
    expect(run.status).toBe('completed');
    const fetched = await client.calls(created.sid).fetch();
    expect(fetched.status).toBe('completed');
    expect(Number(fetched.duration)).toBeGreaterThan(0);
    expect(fetched.dateCreated).toBeInstanceOf(Date);

    for (let i = 0; i < 4; i++) {
      await client.calls.create({
        to: '+15005550007',
        from: '+14155550100',
        twiml: '<Response><Hangup/></Response>',
      });
    }
    await sim.idle();
    const page = await client.calls.page({ to: '+15005550007', pageSize: 3 });
    expect(page.instances).toHaveLength(3);
    expect(page.nextPageUrl).toContain('Page=1');
    const next = await page.nextPage();
    expect(next?.instances).toHaveLength(1);
    const all = await client.calls.list({ to: '+15005550007', pageSize: 2 });
    expect(all).toHaveLength(4);
    const completed = await client.calls.list({ status: 'completed', from: '+14155550100' });
    expect(completed.length).toBeGreaterThanOrEqual(5);
    expect(app.to('/status').map((r) => r.params.CallStatus)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
  });

  it('updates a live call (Url, Twiml, Status=completed) and cancels a ringing one', async () => {
    sim.setParty('+15005550010', { answer: 'answer', conferenceStayMs: 5000 });
    const call = await client.calls.create({
      to: '+15005550010',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(async () => (await client.calls(call.sid).fetch()).status === 'in-progress');
    await waitUntil(() => sim.core.store.conferences.size > 0);
    await client
      .calls(call.sid)
      .update({ twiml: '<Response><Say>Moved</Say><Pause length="1"/></Response>' });
    const run = await sim.waitForCall(call.sid);
    expect(run.transcript.of('say').map((s) => s.text)).toContain('Moved');

    const second = await client.calls.create({
      to: '+15005550010',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => sim.core.live.get(second.sid)?.record.status === 'in-progress');
    await client.calls(second.sid).update({ url: `${app.url}/voice`, method: 'POST' });
    const redirected = await sim.waitForCall(second.sid);
    expect(
      redirected.transcript
        .of('request')
        .some((r) => r.purpose === 'redirect' && r.url.endsWith('/voice')),
    ).toBe(true);

    const third = await client.calls.create({
      to: '+15005550010',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => sim.core.live.get(third.sid)?.record.status === 'in-progress');
    const ended = await client.calls(third.sid).update({ status: 'completed' });
    expect(ended.status).toBe('completed');

    sim.setParty('+15005550011', { answer: 'answer', answerDelayMs: 3000 });
    const ringing = await client.calls.create({
      to: '+15005550011',
      from: '+14155550100',
      url: `${app.url}/voice`,
    });
    const canceled = await client.calls(ringing.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
    await expect(
      client.calls(ringing.sid).update({ url: `${app.url}/voice` }),
    ).rejects.toMatchObject({ code: 21220 });
  });

  it('reports AnsweredBy for sync and async AMD', async () => {
    sim.setParty('+15005550020', { answer: 'machine' });
    const sync = await client.calls.create({
      to: '+15005550020',
      from: '+14155550100',
      url: `${app.url}/voice`,
      machineDetection: 'DetectMessageEnd',
    });
    await sim.waitForCall(sync.sid);
    const first = app.to('/voice').find((r) => r.params.CallSid === sync.sid);
    expect(first?.params.AnsweredBy).toBe('machine_end_beep');
    expect((await client.calls(sync.sid).fetch()).answeredBy).toBe('machine_end_beep');

    const asyncCall = await client.calls.create({
      to: '+15005550021',
      from: '+14155550100',
      url: `${app.url}/voice`,
      machineDetection: 'Enable',
      asyncAmd: 'true',
      asyncAmdStatusCallback: `${app.url}/amd`,
    });
    await sim.waitForCall(asyncCall.sid);
    const firstAsync = app.to('/voice').find((r) => r.params.CallSid === asyncCall.sid);
    expect(firstAsync?.params.AnsweredBy).toBeUndefined();
    expect(app.to('/amd').find((r) => r.params.CallSid === asyncCall.sid)?.params.AnsweredBy).toBe(
      'human',
    );
  });

  it('records a REST call, lists, fetches, serves media behind auth and deletes recordings', async () => {
    const call = await client.calls.create({
      to: '+15005550030',
      from: '+14155550100',
      url: `${app.url}/voice`,
      record: true,
      recordingStatusCallback: `${app.url}/rec`,
      statusCallback: `${app.url}/status30`,
    });
    await sim.waitForCall(call.sid);
    const recs = await client.calls(call.sid).recordings.list();
    expect(recs).toHaveLength(1);
    const rec = recs[0]!;
    expect(rec.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(rec.source).toBe('OutboundAPI');
    expect(rec.status).toBe('completed');
    const fetched = await client.recordings(rec.sid).fetch();
    expect(fetched.callSid).toBe(call.sid);
    expect((await client.recordings.list({ callSid: call.sid })).map((r) => r.sid)).toEqual([
      rec.sid,
    ]);
    const completed = app.to('/status30').at(-1)?.params;
    expect(completed?.RecordingSid).toBe(rec.sid);
    expect(app.to('/rec').at(-1)?.params.RecordingStatus).toBe('completed');

    const mediaUrl = `${sim.baseUrl}/2010-04-01/Accounts/${sim.accountSid}/Recordings/${rec.sid}`;
    expect((await fetch(`${mediaUrl}.wav`)).status).toBe(401);
    const auth = {
      Authorization: `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`,
    };
    const wav = await fetch(`${mediaUrl}.wav`, { headers: auth });
    expect(wav.headers.get('content-type')).toContain('audio/x-wav');
    const info = readWavInfo(Buffer.from(await wav.arrayBuffer()));
    expect(info.sampleRate).toBe(8000);
    expect(info.durationSec).toBeGreaterThan(0.5);
    expect((await fetch(mediaUrl, { headers: auth })).status).toBe(200);
    expect((await fetch(`${mediaUrl}.mp3`, { headers: auth })).status).toBe(404);

    expect(await client.recordings(rec.sid).remove()).toBe(true);
    await expect(client.recordings(rec.sid).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('pauses, resumes and stops a recording started on a live call', async () => {
    sim.setParty('+15005550040', { answer: 'answer', conferenceStayMs: 5000 });
    const call = await client.calls.create({
      to: '+15005550040',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => sim.core.live.get(call.sid)?.record.status === 'in-progress');
    const rec = await client.calls(call.sid).recordings.create({
      recordingStatusCallback: `${app.url}/rec40`,
      recordingStatusCallbackEvent: ['in-progress', 'completed'],
    });
    expect(rec.status).toBe('in-progress');
    expect(
      (await client.calls(call.sid).recordings(rec.sid).update({ status: 'paused' })).status,
    ).toBe('paused');
    expect(
      (await client.calls(call.sid).recordings(rec.sid).update({ status: 'in-progress' })).status,
    ).toBe('in-progress');
    expect(
      (await client.calls(call.sid).recordings(rec.sid).update({ status: 'stopped' })).status,
    ).toBe('stopped');
    await waitUntil(async () => (await client.recordings(rec.sid).fetch()).status === 'completed');
    await client.calls(call.sid).update({ status: 'completed' });
    await sim.idle();
    expect(app.to('/rec40').map((r) => r.params.RecordingStatus)).toEqual([
      'in-progress',
      'completed',
    ]);
  });

  it('lists, fetches and moderates conferences and participants', async () => {
    sim.setParty('+15005550050', { answer: 'answer', conferenceStayMs: 10_000 });
    sim.setParty('+15005550051', { answer: 'answer', conferenceStayMs: 10_000 });
    const caller = await client.calls.create({
      to: '+15005550050',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => sim.core.store.activeConferenceByName('room-1') !== undefined);
    const [conf] = await client.conferences.list({ friendlyName: 'room-1', status: 'in-progress' });
    expect(conf?.sid).toMatch(/^CF[0-9a-f]{32}$/);
    const confSid = conf!.sid;
    expect((await client.conferences(confSid).fetch()).friendlyName).toBe('room-1');

    const agent = await client.conferences(confSid).participants.create({
      from: '+14155550100',
      to: '+15005550051',
      label: 'agent',
      statusCallback: `${app.url}/agent-status`,
      statusCallbackEvent: ['answered', 'completed'],
    });
    expect(agent.callSid).toMatch(/^CA/);
    await waitUntil(
      async () => (await client.conferences(confSid).participants.list()).length === 2,
    );
    const muted = await client
      .conferences(confSid)
      .participants(agent.callSid)
      .update({ muted: true });
    expect(muted.muted).toBe(true);
    const held = await client
      .conferences(confSid)
      .participants('agent')
      .update({ hold: true, holdUrl: `${app.url}/hold` });
    expect(held.hold).toBe(true);
    const coaching = await client
      .conferences(confSid)
      .participants(agent.callSid)
      .update({ coaching: true, callSidToCoach: caller.sid });
    expect(coaching.coaching).toBe(true);
    expect(coaching.callSidToCoach).toBe(caller.sid);
    expect((await client.conferences(confSid).participants(caller.sid).fetch()).status).toBe(
      'connected',
    );
    await client.conferences(confSid).update({ announceUrl: `${app.url}/announce` });
    expect(await client.conferences(confSid).participants(agent.callSid).remove()).toBe(true);
    await sim.waitForCall(agent.callSid);
    const ended = await client.conferences(confSid).update({ status: 'completed' });
    expect(ended.sid).toBe(confSid);
    await sim.waitForCall(caller.sid);
    expect((await client.conferences(confSid).fetch()).status).toBe('completed');
    const events = app.to('/conf-events').map((r) => r.params.StatusCallbackEvent);
    expect(events).toEqual(
      expect.arrayContaining([
        'conference-start',
        'participant-join',
        'participant-mute',
        'participant-hold',
        'participant-leave',
        'conference-end',
      ]),
    );
  });

  it('sends messages with status callbacks and honours STOP / START', async () => {
    const msg = await client.messages.create({
      to: '+15005550060',
      from: '+14155550100',
      body: 'Your appointment is tomorrow',
      statusCallback: `${app.url}/sms-status`,
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe('queued');
    await sim.idle();
    expect(app.to('/sms-status').map((r) => r.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect((await client.messages(msg.sid).fetch()).status).toBe('delivered');
    expect((await client.messages.list({ to: '+15005550060' })).map((m) => m.sid)).toContain(
      msg.sid,
    );

    sim.setMessageOutcome('+15005550061', 'undelivered');
    await client.messages.create({
      to: '+15005550061',
      messagingServiceSid: 'MG00000000000000000000000000000000',
      body: 'x',
      statusCallback: `${app.url}/sms-status-61`,
    });
    await sim.idle();
    expect(app.to('/sms-status-61').map((r) => r.params.MessageStatus)).toEqual([
      'queued',
      'sent',
      'undelivered',
    ]);
    expect(app.to('/sms-status-61').at(-1)?.params.ErrorCode).toBe('30003');

    const inbound = await sim.sendInboundSms({
      from: '+15005550060',
      to: '+14155550100',
      body: 'STOP',
      url: `${app.url}/sms`,
    });
    expect(inbound.status).toBe(200);
    expect(app.to('/sms').at(-1)?.params).toMatchObject({
      Body: 'STOP',
      From: '+15005550060',
      SmsStatus: 'received',
    });
    await expect(
      client.messages.create({ to: '+15005550060', from: '+14155550100', body: 'again' }),
    ).rejects.toMatchObject({
      status: 400,
      code: 21610,
    });
    await sim.sendInboundSms({
      from: '+15005550060',
      to: '+14155550100',
      body: 'start',
      url: `${app.url}/sms`,
    });
    await expect(
      client.messages.create({ to: '+15005550060', from: '+14155550100', body: 'welcome back' }),
    ).resolves.toMatchObject({ status: 'queued' });
  });

  it('answers Twilio error codes 20003, 21211, 20404, 20429 and 5xx', async () => {
    const wrong = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: 'wrong-token-wrong-token',
      apiBaseUrl: sim.baseUrl,
    });
    const e20003 = await restError(wrong.calls.list());
    expect(e20003).toMatchObject({ status: 401, code: 20003 });
    expect(e20003.moreInfo).toBe('https://www.twilio.com/docs/errors/20003');

    for (const to of ['5551234', '+0123', 'tel:+15005550006', 'client', '']) {
      const e = await restError(
        client.calls.create({ to, from: '+14155550100', url: `${app.url}/voice` }),
      );
      expect(e.code, to).toBe(to === '' ? 21201 : 21211);
    }
    await expect(
      client.calls.create({ to: 'client:alice', from: '+14155550100', url: `${app.url}/voice` }),
    ).resolves.toBeDefined();
    await expect(
      client.calls.create({
        to: 'sip:bob@example.com',
        from: '+14155550100',
        twiml: '<Response/>',
      }),
    ).resolves.toBeDefined();
    expect(
      await restError(client.messages.create({ to: '12345', from: '+14155550100', body: 'x' })),
    ).toMatchObject({ code: 21211 });

    expect(
      await restError(client.calls('CA0000000000000000000000000000dead').fetch()),
    ).toMatchObject({ status: 404, code: 20404 });
    expect(
      await restError(client.conferences('CF0000000000000000000000000000dead').fetch()),
    ).toMatchObject({ code: 20404 });

    sim.setFaults({ rest: { errorRate: 1, errorStatus: 429 } });
    expect(await restError(client.calls.list())).toMatchObject({ status: 429, code: 20429 });
    sim.setFaults({ rest: { errorRate: 1, errorStatus: 503 } });
    expect(await restError(client.calls.list())).toMatchObject({ status: 503 });
    sim.setFaults({ rest: { slowMs: 150 } });
    const started = Date.now();
    await client.calls.list({ limit: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sim.setFaults({});
  });

  it('injects REST errors at a seeded, reproducible rate', async () => {
    const pattern = async (): Promise<boolean[]> => {
      const s = buildSimulator({ seed: 42 });
      s.setFaults({ rest: { errorRate: 0.5 } });
      const auth = `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`;
      const out: boolean[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await s.app.inject({
          url: `/2010-04-01/Accounts/${s.accountSid}/Calls.json`,
          headers: { authorization: auth },
        });
        out.push(res.statusCode === 429);
      }
      await s.close();
      return out;
    };
    const a = await pattern();
    expect(a).toEqual(await pattern());
    expect(a.filter(Boolean).length).toBeGreaterThan(3);
    expect(a.filter((x) => !x).length).toBeGreaterThan(3);
  });
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
