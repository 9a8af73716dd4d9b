import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type CallRun, type Simulator } from '../../src/sim';
import { createTwilioClient, type TwilioClient } from '../../src/twilio/client';
import { startTwimlServer, twiml, waitUntil, type TwimlServer } from './helpers';

describe('SIP legs, BYOC trunks, queues and the corpus gaps', () => {
  let sim: Simulator;
  let client: TwilioClient;
  let app: TwimlServer;
  let dialTo = '';
  let redirects = 0;

  beforeAll(async () => {
    sim = buildSimulator({ seed: 31, webhookTimeoutMs: 2000, maxConferenceMs: 5000 });
    client = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      apiBaseUrl: await sim.start(0),
    });
    app = await startTwimlServer({
      '/sip': () => twiml(`<Dial action="/dialed" timeout="10"><Sip>${dialTo}</Sip></Dial>`),
      '/sip-auth': () =>
        twiml(
          `<Dial action="/dialed"><Sip username="admin" password="1234">sip:kate@example.com</Sip></Dial>`,
        ),
      '/dialed': () => twiml('<Hangup/>'),
      '/bad-numbers': () =>
        twiml(
          '<Dial><Number>call-me</Number></Dial><Dial><Number>12</Number></Dial><Dial callerId="bob"><Number>+15005550111</Number></Dial><Say>still here</Say>',
        ),
      '/again': () => {
        redirects++;
        return twiml(redirects < 3 ? '<Say>round</Say><Redirect/>' : '<Hangup/>');
      },
      '/enqueue': () =>
        twiml(
          '<Enqueue waitUrl="/wait" action="/queue-done">support</Enqueue><Say>not reached</Say>',
        ),
      '/wait': (p) => twiml(`<Say>You are number ${p.QueuePosition}.</Say><Play>/music.mp3</Play>`),
      '/leave-wait': () => twiml('<Say>Closing.</Say><Leave/>'),
      '/enqueue-leave': () =>
        twiml('<Enqueue waitUrl="/leave-wait">closing</Enqueue><Say>Please call tomorrow.</Say>'),
      '/agent': () =>
        twiml('<Dial action="/agent-done"><Queue url="/about-to-connect">support</Queue></Dial>'),
      '/about-to-connect': () => twiml('<Say>Connecting you to an agent.</Say>'),
      '/agent-done': () => twiml('<Hangup/>'),
      '/queue-done': () => twiml('<Hangup/>'),
    });
  });

  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  const call = (path: string, script = {}): Promise<CallRun> =>
    sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}${path}`,
      script,
    });
  const lastDialed = () => app.to('/dialed').at(-1)?.params;

  it.each([
    [486, 'busy'],
    [488, 'failed'],
    [503, 'failed'],
    [480, 'no-answer'],
  ])('a SIP %i maps to DialCallStatus %s with DialSipResponseCode', async (code, status) => {
    dialTo = `sip:agent-${code}@pbx.example.com`;
    sim.setParty(dialTo, { sipResponseCode: code });
    const run = await call('/sip');
    expect(run.status).toBe('completed');
    expect(lastDialed()).toMatchObject({
      DialCallStatus: status,
      DialSipResponseCode: String(code),
    });
    expect(lastDialed()?.DialSipCallId).toMatch(/@/);
  });

  it('dials a <Sip> written without its scheme, and reports 200 once answered', async () => {
    dialTo = 'kate@example.com;transport=tcp';
    sim.setParty('sip:kate@example.com', { answer: 'answer', talkSeconds: 3 });
    const run = await call('/sip');
    expect(run.transcript.of('leg')[0]?.to).toBe('sip:kate@example.com;transport=tcp');
    expect(lastDialed()).toMatchObject({ DialCallStatus: 'completed', DialSipResponseCode: '200' });
  });

  it('answers a SIP challenge with <Sip username password>, and fails with 407 otherwise', async () => {
    sim.setParty('sip:kate@example.com', { sipAuth: { username: 'admin', password: '1234' } });
    await call('/sip-auth');
    expect(lastDialed()).toMatchObject({ DialCallStatus: 'completed' });
    sim.setParty('sip:kate@example.com', { sipAuth: { username: 'admin', password: 'other' } });
    await call('/sip-auth');
    expect(lastDialed()).toMatchObject({ DialCallStatus: 'failed', DialSipResponseCode: '407' });
  });

  it('reports 13223, 13224 and 13214 for destinations and callerIds it will not dial', async () => {
    const run = await call('/bad-numbers');
    expect(run.errors.map((e) => e.code)).toEqual([13223, 13224, 13214]);
    expect(run.transcript.of('say').map((s) => s.text)).toEqual(['still here']);
    expect(run.transcript.of('leg')).toEqual([]);
  });

  it('an empty <Redirect/> re-requests the current document', async () => {
    redirects = 0;
    const run = await call('/again');
    expect(app.to('/again')).toHaveLength(3);
    expect(run.transcript.of('request').map((r) => r.purpose)).toEqual([
      'voice-url',
      'redirect',
      'redirect',
    ]);
  });

  it('Calls create: Byoc through a trunk whose carrier answers 503, CallerId, SIP credentials', async () => {
    const trunk = sim.addByocTrunk({ friendlyName: 'carrier-a', sipResponseCode: 503 });
    const viaTrunk = await client.calls.create({
      to: '+15005550120',
      from: '+14155550100',
      callerId: '+14155550199',
      byoc: trunk.sid,
      twiml: '<Response><Say>hi</Say></Response>',
      statusCallback: `${app.url}/byoc-status`,
    });
    expect((await sim.waitForCall(viaTrunk.sid)).status).toBe('failed');
    await sim.idle();
    expect(app.to('/byoc-status').at(-1)?.params).toMatchObject({
      CallStatus: 'failed',
      SipResponseCode: '503',
      From: '+14155550199',
    });
    expect((await client.calls(viaTrunk.sid).fetch()).trunkSid).toBe(trunk.sid);

    const fail = (p: Promise<unknown>) =>
      p.then(
        () => ({ code: 0 }),
        (e: { code: number }) => e,
      );
    const twimlDoc = '<Response/>';
    expect(
      (
        await fail(
          client.calls.create({
            to: '+15005550120',
            from: '+14155550100',
            byoc: `BY${'1'.repeat(32)}`,
            twiml: twimlDoc,
          }),
        )
      ).code,
    ).toBe(21218);
    expect(
      (
        await fail(
          client.calls.create({
            to: '+15005550120',
            from: '+14155550100',
            sipAuthUsername: 'u',
            sipAuthPassword: 'p',
            twiml: twimlDoc,
          }),
        )
      ).code,
    ).toBe(21218);
    expect(
      (
        await fail(
          client.calls.create({
            to: '+15005550120',
            from: '+14155550100',
            callerId: 'bob',
            twiml: twimlDoc,
          }),
        )
      ).code,
    ).toBe(21212);

    sim.setParty('sip:desk@pbx.example.com', { sipAuth: { username: 'u', password: 'p' } });
    const sip = await client.calls.create({
      to: 'sip:desk@pbx.example.com',
      from: '+14155550100',
      sipAuthUsername: 'u',
      sipAuthPassword: 'p',
      twiml: '<Response><Say>hello desk</Say></Response>',
    });
    expect((await sim.waitForCall(sip.sid)).status).toBe('completed');
  });

  it('<Enqueue waitUrl> holds the caller until <Dial><Queue url> takes it', async () => {
    const waiting = sim.startInboundCall({
      to: '+15005550006',
      from: '+14155550130',
      voiceUrl: `${app.url}/enqueue`,
      script: { conferenceStayMs: 5000, talkSeconds: 4 },
    });
    await waitUntil(() => app.to('/wait').length > 0);
    expect(app.to('/wait')[0]?.params).toMatchObject({ QueuePosition: '1', CurrentQueueSize: '1' });
    expect(app.to('/wait')[0]?.params.QueueSid).toMatch(/^QU/);
    const agent = await call('/agent');
    const caller = await waiting.result;
    expect(app.to('/agent-done')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: waiting.callSid,
      DialCallDuration: '4',
    });
    expect(app.to('/about-to-connect')[0]?.params).toMatchObject({
      CallSid: waiting.callSid,
      DequeingCallSid: agent.callSid,
    });
    expect(caller.transcript.of('say').map((s) => s.text)).toEqual([
      'You are number 1.',
      'Connecting you to an agent.',
    ]);
    expect(app.to('/queue-done')[0]?.params).toMatchObject({ QueueResult: 'bridged' });
    expect(caller.status).toBe('completed');
  });

  it('<Leave> in the wait document continues after <Enqueue>', async () => {
    const run = await call('/enqueue-leave');
    expect(run.transcript.of('say').map((s) => s.text)).toEqual([
      'Closing.',
      'Please call tomorrow.',
    ]);
    expect(run.transcript.of('queue').map((q) => q.event)).toEqual(['enqueued', 'left']);
  });
});
