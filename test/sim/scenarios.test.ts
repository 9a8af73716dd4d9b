import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSimulator,
  describeEntry,
  readWavInfo,
  type CallRun,
  type Simulator,
} from '../../src/sim';
import { startTwimlServer, twiml, type TwimlServer } from './helpers';

const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

function explain(run: CallRun): string {
  return run.entries.map(describeEntry).join('\n');
}

describe('scripted calls through a TwiML app', () => {
  let sim: Simulator;
  let app: TwimlServer;
  const call = (voice: string, extra: Partial<Parameters<Simulator['placeInboundCall']>[0]> = {}) =>
    sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}${voice}`,
      statusCallback: `${app.url}/status`,
      statusCallbackEvents: ['ringing', 'answered', 'completed'],
      ...extra,
    });
  const statusFor = (sid: string) => app.to('/status').filter((r) => r.params.CallSid === sid);

  beforeAll(async () => {
    sim = buildSimulator({ seed: 5, webhookTimeoutMs: 300 });
    await sim.start(0);
    sim.setParty('+15550001111', { answer: 'busy' });
    sim.setParty('+15550002222', {
      answer: 'answer',
      talkSeconds: 8,
      records: [{ text: 'hello this is the agent' }],
    });
    sim.setParty('+15550003333', { answer: 'no-answer' });
    app = await startTwimlServer({
      '/menu': () =>
        twiml(
          '<Gather numDigits="1" action="/choice" timeout="3"><Say voice="Polly.Joanna" language="en-US">For billing press 1.</Say></Gather><Say>No input. Goodbye.</Say>',
        ),
      '/choice': (p) =>
        twiml(p.Digits === '1' ? '<Say>Billing. Goodbye.</Say><Hangup/>' : '<Say>Sorry.</Say>'),
      '/speech': () =>
        twiml('<Gather input="speech dtmf" action="/heard"><Say>How can I help?</Say></Gather>'),
      '/record': () =>
        twiml(
          '<Say>Leave a message.</Say><Record maxLength="30" action="/recorded" recordingStatusCallback="/rec-status" transcribe="true" transcribeCallback="/transcribed"/>',
        ),
      '/recorded': () => twiml('<Say>Thanks.</Say>'),
      '/dial-busy': () =>
        twiml(
          '<Dial action="/dialed" timeout="10"><Number statusCallback="/child" statusCallbackEvent="initiated ringing answered completed">+15550001111</Number></Dial>',
        ),
      '/dial-ok': () =>
        twiml(
          '<Dial action="/dialed" callerId="+14155559999" record="record-from-answer-dual" recordingStatusCallback="/dial-rec"><Number url="/whisper">+15550002222</Number></Dial>',
        ),
      '/dial-multi': () =>
        twiml('<Dial action="/dialed"><Number>+15550003333</Number><Client>alice</Client></Dial>'),
      '/whisper': () => twiml('<Say>Call from the menu.</Say>'),
      '/dialed': () => twiml('<Say>Dial finished.</Say>'),
      '/not-xml': () => ({ type: 'application/json', body: '{}' }),
      '/broken': () => ({ type: 'text/xml', body: '<Response><Say>oops</Response>' }),
      '/server-error': () => ({ status: 500, body: 'boom' }),
      '/slow': () => ({ delayMs: 600, body: twiml('<Say>too late</Say>') }),
      '/fallback': (p) => twiml(`<Say>Fallback after ${p.ErrorCode}</Say>`),
      '/unsupported': () =>
        twiml('<Connect><Stream url="wss://127.0.0.1/x"/></Connect><Say>after connect</Say>'),
      '/reject-busy': () => twiml('<Reject reason="busy"/>'),
      '/reject': () => twiml('<Reject/>'),
      '/long': () =>
        twiml(
          '<Say>One</Say><Pause length="3"/><Say>Two</Say><Play loop="2">http://127.0.0.1/a.mp3</Play><Say>Three</Say>',
        ),
      '/empty-ok': () =>
        twiml(
          '<Gather actionOnEmptyResult="true" action="/empty-action" timeout="2"><Say>Anything?</Say></Gather><Say>not reached</Say>',
        ),
      '/conference': () =>
        twiml(
          '<Dial action="/dialed"><Conference record="record-from-start" recordingStatusCallback="/conf-rec" statusCallback="/conf-events" statusCallbackEvent="start end join leave" endConferenceOnExit="true">support</Conference></Dial>',
        ),
      '/pause-1': () => twiml('<Pause length="1"/>'),
      '/redirect': () => twiml('<Redirect method="GET">/menu</Redirect>'),
    });
  });

  afterAll(async () => {
    await sim.idle();
    await sim.close();
    await app.close();
  });

  it('gather → press 1 → say → hangup, with signed status callbacks', async () => {
    const run = await call('/menu', { script: { gathers: [{ digits: '1' }] } });
    expect(run.status, explain(run)).toBe('completed');
    expect(run.transcript.of('say').map((s) => [s.text, s.voice])).toEqual([
      ['For billing press 1.', 'Polly.Joanna'],
      ['Billing. Goodbye.', 'man'],
    ]);
    expect(run.transcript.of('input')).toMatchObject([{ verb: 'Gather', digits: '1' }]);
    expect(app.to('/choice').at(-1)?.params).toMatchObject({
      Digits: '1',
      CallStatus: 'in-progress',
      CallSid: run.callSid,
    });
    expect(run.transcript.of('hangup')).toMatchObject([{ by: 'twiml' }]);
    expect(run.durationSec).toBeGreaterThan(0);

    const status = statusFor(run.callSid);
    expect(status.map((r) => r.params.CallStatus)).toEqual(['ringing', 'in-progress', 'completed']);
    expect(status.map((r) => r.params.SequenceNumber)).toEqual(['0', '1', '2']);
    for (const r of status) {
      expect(r.params.CallbackSource).toBe('call-progress-events');
      expect(r.params.Timestamp).toMatch(RFC2822);
      expect(r.headers['x-twilio-signature']).toBeTruthy();
    }
    expect(status.at(-1)?.params.CallDuration).toBe(String(run.durationSec));
  });

  it('falls through to the next verb when nobody presses anything', async () => {
    const run = await call('/menu');
    expect(run.transcript.of('silence')).toMatchObject([{ verb: 'Gather', seconds: 3 }]);
    expect(run.transcript.of('say').at(-1)?.text).toBe('No input. Goodbye.');
    expect(app.to('/choice').some((r) => r.params.CallSid === run.callSid)).toBe(false);
  });

  it('posts speech with its confidence, and redirects', async () => {
    const run = await call('/speech', {
      script: { gathers: [{ speech: 'billing please', confidence: 0.83 }] },
    });
    expect(app.to('/heard').at(-1)?.params).toMatchObject({
      SpeechResult: 'billing please',
      Confidence: '0.83',
    });
    expect(run.status).toBe('completed');
    const redirected = await call('/redirect', { script: { gathers: [{ digits: '1' }] } });
    expect(redirected.transcript.of('request').map((r) => [r.purpose, r.method])).toEqual([
      ['voice-url', 'POST'],
      ['redirect', 'GET'],
      ['action', 'POST'],
    ]);
  });

  it('record → action and recording callback whose media is a valid WAV', async () => {
    const run = await call('/record', {
      script: {
        records: [{ text: 'please call me back tomorrow', durationSec: 3, finishOnKey: '#' }],
      },
    });
    expect(run.status, explain(run)).toBe('completed');
    const action = app.to('/recorded').at(-1)?.params;
    expect(action).toMatchObject({ RecordingDuration: '3', Digits: '#' });
    expect(action?.RecordingSid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(action?.RecordingUrl).toBe(
      `${sim.baseUrl}/2010-04-01/Accounts/${sim.accountSid}/Recordings/${action?.RecordingSid}`,
    );
    await sim.idle();
    const cb = app.to('/rec-status').at(-1)?.params;
    expect(cb).toMatchObject({
      RecordingStatus: 'completed',
      RecordingSid: action?.RecordingSid,
      RecordingDuration: '3',
      RecordingChannels: '1',
      RecordingSource: 'RecordVerb',
      CallSid: run.callSid,
    });
    expect(app.to('/transcribed').at(-1)?.params).toMatchObject({
      TranscriptionText: 'please call me back tomorrow',
      TranscriptionStatus: 'completed',
      RecordingSid: action?.RecordingSid,
    });
    const auth = `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`;
    const res = await fetch(`${cb?.RecordingUrl}.wav`, { headers: { Authorization: auth } });
    expect(res.status).toBe(200);
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    const info = readWavInfo(wav);
    expect(info).toMatchObject({ channels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(info.durationSec).toBeGreaterThan(2.5);
  });

  it('an empty recording skips the action, reports absent only when asked', async () => {
    const run = await call('/record', { script: { records: [{ silent: true }] } });
    expect(run.transcript.of('silence')).toMatchObject([{ verb: 'Record' }]);
    expect(app.to('/recorded').some((r) => r.params.CallSid === run.callSid)).toBe(false);
  });

  it('the caller hangs up during Record: the action is still requested', async () => {
    const run = await call('/record', {
      script: { records: [{ text: 'bye now' }], hangupDuring: 'Record' },
    });
    expect(app.to('/recorded').at(-1)?.params).toMatchObject({
      CallSid: run.callSid,
      Digits: 'hangup',
    });
    expect(run.transcript.of('say').map((s) => s.text)).not.toContain('Thanks.');
    expect(run.transcript.of('hangup')).toMatchObject([{ by: 'caller' }]);
  });

  it('dial busy → action with DialCallStatus=busy; the child leg has its own CallSid', async () => {
    const run = await call('/dial-busy');
    const dialed = app.to('/dialed').at(-1)?.params;
    expect(dialed).toMatchObject({
      DialCallStatus: 'busy',
      DialCallDuration: '0',
      CallSid: run.callSid,
    });
    expect(dialed?.DialCallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(dialed?.DialCallSid).not.toBe(run.callSid);
    await sim.idle();
    const child = app.to('/child');
    expect(child.map((r) => r.params.CallStatus)).toEqual(['initiated', 'ringing', 'busy']);
    for (const r of child) {
      expect(r.params).toMatchObject({
        ParentCallSid: run.callSid,
        Direction: 'outbound-dial',
        To: '+15550001111',
      });
    }
    expect(run.transcript.of('say').at(-1)?.text).toBe('Dial finished.');
  });

  it('dial answered: whisper on the callee leg, bridged, recorded, action with duration', async () => {
    const run = await call('/dial-ok');
    expect(run.status, explain(run)).toBe('completed');
    const dialed = app.to('/dialed').at(-1)?.params;
    expect(dialed?.DialCallStatus).toBe('completed');
    // The callee's leg lasts the whisper plus the 8 s the script talks.
    expect(Number(dialed?.DialCallDuration)).toBeGreaterThanOrEqual(9);
    expect(dialed?.RecordingUrl).toContain('/Recordings/RE');
    const whisper = app.to('/whisper').at(-1)?.params;
    expect(whisper).toMatchObject({
      CallSid: dialed?.DialCallSid,
      ParentCallSid: run.callSid,
      From: '+14155559999',
      CallStatus: 'in-progress',
    });
    expect(
      run.transcript.entries.some((e) => e.type === 'say' && e.callSid === dialed?.DialCallSid),
    ).toBe(true);
    await sim.idle();
    expect(app.to('/dial-rec').at(-1)?.params).toMatchObject({
      RecordingSource: 'DialVerb',
      RecordingChannels: '2',
      RecordingStatus: 'completed',
    });
    const child = sim.core.store.calls.get(dialed?.DialCallSid ?? '');
    expect(child).toMatchObject({
      status: 'completed',
      parentCallSid: run.callSid,
      direction: 'outbound-dial',
      duration: Number(dialed?.DialCallDuration),
    });
  });

  it('dial rings every noun at once; the first to answer wins', async () => {
    const run = await call('/dial-multi');
    const dialed = app.to('/dialed').at(-1)?.params;
    expect(dialed?.DialCallStatus).toBe('completed');
    const legs = run.transcript.of('leg');
    expect(legs.find((l) => l.to === '+15550003333' && l.status === 'canceled')).toBeDefined();
    expect(legs.find((l) => l.to === 'client:alice' && l.status === 'completed')).toBeDefined();
  });

  it('ends with Twilio errors 12300, 12100, 11200 and 11205 (with fallback)', async () => {
    const cases: [string, number][] = [
      ['/not-xml', 12300],
      ['/broken', 12100],
      ['/server-error', 11200],
      ['/slow', 11205],
    ];
    for (const [path, code] of cases) {
      const run = await call(path);
      expect(
        run.errors.map((e) => e.code),
        path,
      ).toEqual([code]);
      expect(run.transcript.of('say').at(-1)?.text).toMatch(/application error/);
      expect(run.status).toBe('completed');
    }
    const slow = await call('/slow', { fallbackUrl: `${app.url}/fallback` });
    const attempts = slow.transcript.of('request').filter((r) => r.purpose === 'voice-url');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.idempotencyToken).toBe(attempts[0]?.idempotencyToken);
    expect(app.to('/fallback').at(-1)?.params).toMatchObject({
      ErrorCode: '11205',
      ErrorUrl: `${app.url}/slow`,
    });
    expect(slow.transcript.of('say').at(-1)?.text).toBe('Fallback after 11205');
  });

  it('retries a timed-out webhook with the same idempotency token (injected fault)', async () => {
    const run = await call('/menu', {
      script: { gathers: [{ digits: '1' }], faults: { webhooks: { timeoutRequests: [1] } } },
    });
    const choice = app.to('/choice').filter((r) => r.params.CallSid === run.callSid);
    expect(choice).toHaveLength(2);
    expect(choice[0]?.headers['i-twilio-idempotency-token']).toBe(
      choice[1]?.headers['i-twilio-idempotency-token'],
    );
    expect(choice[0]?.params).toEqual(choice[1]?.params);
    expect(run.transcript.of('say').at(-1)?.text).toBe('Billing. Goodbye.');
    const menu = app.to('/menu').filter((r) => r.params.CallSid === run.callSid);
    expect(menu).toHaveLength(1);
  });

  it('reports unsupported verbs and carries on', async () => {
    const run = await call('/unsupported');
    expect(run.unsupportedVerbs).toEqual(['Connect']);
    expect(run.transcript.of('unsupported')).toMatchObject([{ verb: 'Connect' }]);
    expect(run.transcript.of('say').at(-1)?.text).toBe('after connect');
  });

  it('<Reject> leaves the call unanswered: busy or no-answer', async () => {
    const busy = await call('/reject-busy');
    expect(busy.status).toBe('busy');
    expect(busy.durationSec).toBe(0);
    expect(statusFor(busy.callSid).map((r) => r.params.CallStatus)).toEqual(['ringing', 'busy']);
    expect((await call('/reject')).status).toBe('no-answer');
  });

  it('posts an empty Gather result when actionOnEmptyResult is set', async () => {
    const run = await call('/empty-ok');
    const posted = app.to('/empty-action').find((r) => r.params.CallSid === run.callSid);
    expect(posted?.params.Digits).toBeUndefined();
    expect(run.transcript.of('say').map((s) => s.text)).not.toContain('not reached');
  });

  it('joins a TwiML conference, reports its events and records it', async () => {
    const run = await call('/conference', { script: { conferenceStayMs: 50 } });
    expect(run.status, explain(run)).toBe('completed');
    await sim.idle();
    const events = app.to('/conf-events').map((r) => r.params.StatusCallbackEvent);
    expect(events).toEqual([
      'participant-join',
      'conference-start',
      'participant-leave',
      'conference-end',
    ]);
    expect(app.to('/conf-events').at(-1)?.params).toMatchObject({
      FriendlyName: 'support',
      ReasonConferenceEnded: 'participant-with-end-conference-on-exit-left',
      CallSidEndingConference: run.callSid,
    });
    expect(app.to('/conf-rec').at(-1)?.params).toMatchObject({
      RecordingSource: 'Conference',
      RecordingStatus: 'completed',
    });
    expect(app.to('/conf-rec').at(-1)?.params.ConferenceSid).toMatch(/^CF[0-9a-f]{32}$/);
  });

  it('really waits in realtime mode', async () => {
    const rt = buildSimulator({ seed: 9, realtime: true });
    const t0 = Date.now();
    const run = await rt.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}/pause-1`,
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(run.transcript.of('pause')).toMatchObject([{ seconds: 1 }]);
    await rt.close();
  });

  it('the caller hangs up after N verbs; call time counts Say, Pause and Play without sleeping', async () => {
    const started = Date.now();
    const full = await call('/long');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(full.durationSec).toBeGreaterThanOrEqual(14);
    const cut = await call('/long', { script: { hangupAfterVerbs: 2 } });
    expect(cut.transcript.of('say').map((s) => s.text)).toEqual(['One']);
    expect(cut.transcript.of('hangup')).toMatchObject([{ by: 'caller' }]);
    expect(cut.status).toBe('completed');
  });

  it('duplicates status callbacks when asked', async () => {
    const run = await call('/menu', {
      script: {
        gathers: [{ digits: '1' }],
        faults: { callbacks: { duplicate: 1, kinds: ['status'] } },
      },
    });
    await sim.idle();
    const seq = statusFor(run.callSid)
      .map((r) => r.params.SequenceNumber)
      .sort();
    expect(seq).toEqual(['0', '0', '1', '1', '2', '2']);
    expect(run.transcript.of('callback').filter((c) => c.fault === 'duplicate')).toHaveLength(3);
  });

  it('reorders status callbacks: all arrive after the call, newest first', async () => {
    const run = await call('/menu', {
      script: { gathers: [{ digits: '1' }], faults: { callbacks: { reorder: true } } },
    });
    await sim.idle();
    expect(statusFor(run.callSid).map((r) => r.params.CallStatus)).toEqual([
      'completed',
      'in-progress',
      'ringing',
    ]);
    expect(statusFor(run.callSid).map((r) => r.params.SequenceNumber)).toEqual(['2', '1', '0']);
  });

  it('drops and delays callbacks when asked', async () => {
    const dropped = await call('/menu', { script: { faults: { callbacks: { drop: 1 } } } });
    await sim.idle();
    expect(statusFor(dropped.callSid)).toHaveLength(0);
    expect(dropped.transcript.of('callback').every((c) => c.fault === 'dropped')).toBe(true);

    const delayed = sim.startInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}/menu`,
      statusCallback: `${app.url}/status`,
      statusCallbackEvents: ['completed'],
      script: { faults: { callbacks: { delayMs: 200 } } },
    });
    const t0 = Date.now();
    const run = await delayed.result;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(statusFor(run.callSid).map((r) => r.params.CallStatus)).toEqual(['completed']);
  });

  it('applies global callback faults from setFaults', async () => {
    sim.setFaults({ callbacks: { duplicate: 1, kinds: ['status'] } });
    const run = await call('/reject');
    sim.setFaults({});
    await sim.idle();
    expect(statusFor(run.callSid).map((r) => r.params.CallStatus)).toEqual([
      'ringing',
      'ringing',
      'no-answer',
      'no-answer',
    ]);
  });
});
