import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/sim';
import { createTwilioClient, type TwilioClient } from '../../src/twilio/client';
import { startTwimlServer, twiml, type TwimlServer } from './helpers';

/** What campaigns need of outbound calls: CPS queueing, AMD, outcomes, TimeLimit, list filters. */
describe('outbound calls for campaigns', () => {
  let sim: Simulator;
  let client: TwilioClient;
  let app: TwimlServer;
  const FROM = '+14155550100';

  beforeAll(async () => {
    sim = buildSimulator({ seed: 11, webhookTimeoutMs: 2000, amdTimeScale: 0.02 });
    client = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      apiBaseUrl: await sim.start(0),
    });
    app = await startTwimlServer({
      '/voice': () => twiml('<Say>Hello</Say>'),
      // Long enough for an async AMD result to arrive while the call is live.
      '/wait': () => twiml('<Pause length="59"/>'.repeat(5)),
      '/long': () => twiml('<Pause length="120"/><Say>never reached</Say>'),
    });
  });
  afterEach(() => {
    sim.setCallsPerSecond(undefined);
    sim.setFaults({});
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  const create = (to: string, extra: Record<string, unknown> = {}) =>
    client.calls.create({ to, from: FROM, url: `${app.url}/voice`, ...extra });

  describe('account CPS', () => {
    it('places calls created faster than the CPS at the CPS, keeping the rest queued', async () => {
      sim.setCallsPerSecond(5);
      const dialed = new Map<string, number>();
      const created = await Promise.all(
        Array.from({ length: 8 }, (_, i) => create(`+1500555${String(1000 + i)}`)),
      );
      // queue_time is Twilio's estimate of the wait (0, 200, 400… ms less the arrival spread,
      // which a loaded machine stretches: the exact figures are DialQueue's unit test).
      const waits = created.map((c) => Number(c.queueTime)).sort((a, b) => a - b);
      expect(waits[0]).toBeLessThan(200);
      expect(waits[7]).toBeGreaterThan(0);
      await Promise.all(
        created.map(async (c) => {
          const run = await sim.waitForCall(c.sid);
          const initiated = run.entries.find((e) => e.type === 'status' && e.status === 'ringing');
          expect(initiated).toBeDefined();
          dialed.set(c.sid, sim.core.store.calls.get(c.sid)!.startTime!.getTime());
        }),
      );
      const times = [...dialed.values()].sort((a, b) => a - b);
      // Never more than 5 dialed in any one second.
      for (let i = 5; i < times.length; i++) {
        expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(995);
      }
    });

    it('cancels a call still waiting in the queue', async () => {
      // A slot far enough off that no load can reach it before the cancel.
      sim.setCallsPerSecond(0.2);
      await create('+15005552000');
      const waiting = await create('+15005552001');
      const canceled = await client.calls(waiting.sid).update({ status: 'canceled' });
      expect(canceled.status).toBe('canceled');
      const run = await sim.waitForCall(waiting.sid);
      expect(run.entries.some((e) => e.type === 'status' && e.status === 'ringing')).toBe(false);
    });

    it('refuses creates that could not be placed within the queue limit (22005)', async () => {
      const small = buildSimulator({ seed: 3, callsPerSecond: 1, maxQueueMs: 2000 });
      try {
        const post = () =>
          small.app.inject({
            method: 'POST',
            url: `/2010-04-01/Accounts/${small.accountSid}/Calls.json`,
            headers: {
              authorization: `Basic ${Buffer.from(`${small.accountSid}:${small.authToken}`).toString('base64')}`,
              'content-type': 'application/x-www-form-urlencoded',
            },
            payload: `To=%2B15005550006&From=%2B14155550100&Twiml=${encodeURIComponent('<Response/>')}`,
          });
        const codes = [];
        for (let i = 0; i < 5; i++) codes.push((await post()).statusCode);
        expect(codes).toEqual([201, 201, 201, 400, 400]);
        expect((await post()).json()).toMatchObject({ code: 22005 });
      } finally {
        await small.close();
      }
    });
  });

  describe('AMD', () => {
    it.each([
      ['human', {}, 'Enable', 'human', 2200],
      ['machine', { answer: 'machine' }, 'Enable', 'machine_start', 2400],
      [
        'machine, beep after 4 s',
        { answer: 'machine', beepAfterSeconds: 4 },
        'DetectMessageEnd',
        'machine_end_beep',
        4000,
      ],
      [
        'machine, silence',
        { answer: 'machine', answeredBy: 'machine_end_silence', beepAfterSeconds: 3 },
        'DetectMessageEnd',
        'machine_end_silence',
        4200,
      ],
      [
        'machine, other',
        { answer: 'machine', answeredBy: 'machine_end_other' },
        'DetectMessageEnd',
        'machine_end_other',
        6000,
      ],
      ['fax', { answeredBy: 'fax' }, 'Enable', 'fax', 1500],
      ['unknown', { answeredBy: 'unknown' }, 'Enable', 'unknown', 5000],
      [
        'a greeting past the timeout',
        { answer: 'machine', beepAfterSeconds: 40 },
        'DetectMessageEnd',
        'machine_end_other',
        30000,
      ],
    ] as const)(
      'async AMD reports %s with its detection time',
      async (_label, script, mode, answeredBy, durationMs) => {
        const to = `+1500556${String(Math.floor(Math.random() * 9000) + 1000)}`;
        sim.setParty(to, script);
        const call = await client.calls.create({
          to,
          from: FROM,
          url: `${app.url}/wait`,
          machineDetection: mode,
          asyncAmd: 'true',
          asyncAmdStatusCallback: `${app.url}/amd`,
        });
        await waitUntil(() => app.to('/amd').some((r) => r.params.CallSid === call.sid));
        const amd = app.to('/amd').find((r) => r.params.CallSid === call.sid)!;
        expect(amd.params.AnsweredBy).toBe(answeredBy);
        expect(amd.params.MachineDetectionDuration).toBe(String(durationMs));
        expect(amd.headers['x-twilio-signature']).toBeTruthy();
        // The call is still live: the app can now leave a message after the beep.
        expect((await client.calls(call.sid).fetch()).status).toBe('in-progress');
        await client
          .calls(call.sid)
          .update({ twiml: '<Response><Say>Please call us back.</Say></Response>' });
        const run = await sim.waitForCall(call.sid);
        expect(run.transcript.of('say').map((s) => s.text)).toEqual(['Please call us back.']);
        expect(run.answeredBy).toBe(answeredBy);
      },
    );

    it('holds the first request of sync AMD until the result, and sends it as AnsweredBy', async () => {
      sim.setParty('+15005557001', { answer: 'machine', beepAfterSeconds: 8 });
      const call = await create('+15005557001', {
        machineDetection: 'DetectMessageEnd',
        machineDetectionTimeout: 10,
      });
      const run = await sim.waitForCall(call.sid);
      const first = run.transcript.of('request')[0]!;
      expect(first.params.AnsweredBy).toBe('machine_end_beep');
      expect(first.at).toBeGreaterThanOrEqual(8000);
    });

    it.each([
      ['MachineDetection', { machineDetection: 'Sometimes' }],
      ['MachineDetectionTimeout', { machineDetection: 'Enable', machineDetectionTimeout: 2 }],
      ['MachineDetectionTimeout', { machineDetection: 'Enable', machineDetectionTimeout: 60 }],
      [
        'MachineDetectionSpeechThreshold',
        { machineDetection: 'Enable', machineDetectionSpeechThreshold: 999 },
      ],
      [
        'MachineDetectionSpeechEndThreshold',
        { machineDetection: 'Enable', machineDetectionSpeechEndThreshold: 5001 },
      ],
      [
        'MachineDetectionSilenceTimeout',
        { machineDetection: 'Enable', machineDetectionSilenceTimeout: 1999 },
      ],
    ])('refuses an out-of-range %s with 21234', async (name, params) => {
      await expect(create('+15005557002', params)).rejects.toMatchObject({
        status: 400,
        code: 21234,
        message: expect.stringContaining(name),
      });
    });

    it('accepts the edges of every range', async () => {
      const call = await create('+15005557003', {
        machineDetection: 'Enable',
        machineDetectionTimeout: 59,
        machineDetectionSpeechThreshold: 6000,
        machineDetectionSpeechEndThreshold: 500,
        machineDetectionSilenceTimeout: 10000,
      });
      expect((await sim.waitForCall(call.sid)).answeredBy).toBe('human');
    });
  });

  describe('outcomes', () => {
    it.each(['busy', 'no-answer', 'failed'] as const)(
      'ends %s when the number is scripted so',
      async (answer) => {
        sim.setParty('+15005558001', { answer });
        const call = await create('+15005558001', { statusCallback: `${app.url}/status` });
        expect((await sim.waitForCall(call.sid)).status).toBe(answer);
        await sim.idle();
        const final = app
          .to('/status')
          .filter((r) => r.params.CallSid === call.sid)
          .at(-1);
        expect(final?.params.CallStatus).toBe(answer);
      },
    );

    it('takes a list of scripts one per call: busy, then answered', async () => {
      sim.setParty('+15005558002', [
        { answer: 'busy' },
        { answer: 'no-answer' },
        { answer: 'answer' },
      ]);
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const call = await create('+15005558002');
        statuses.push((await sim.waitForCall(call.sid)).status);
      }
      expect(statuses).toEqual(['busy', 'no-answer', 'completed', 'completed']);
    });
  });

  describe('TimeLimit', () => {
    it('ends an answered call when its time limit is reached', async () => {
      const call = await client.calls.create({
        to: '+15005559001',
        from: FROM,
        url: `${app.url}/long`,
        timeLimit: 30,
      });
      const run = await sim.waitForCall(call.sid);
      expect(run.status).toBe('completed');
      expect(run.durationSec).toBe(30);
      expect(run.transcript.of('hangup')).toEqual([expect.objectContaining({ by: 'time-limit' })]);
      expect(run.transcript.of('say')).toEqual([]);
    });

    it('refuses a TimeLimit Twilio would refuse', async () => {
      await expect(create('+15005559002', { timeLimit: 0 })).rejects.toMatchObject({ code: 21218 });
      await expect(create('+15005559002', { timeLimit: 86401 })).rejects.toMatchObject({
        code: 21218,
      });
    });
  });

  describe('20429 storms', () => {
    it('fails the next N creates with 20429 and leaves other routes alone', async () => {
      const before = sim.core.store.calls.size;
      sim.setFaults({ rest: { routes: ['calls.create'], burst: 3, retryAfterSeconds: 1 } });
      const results = [];
      for (let i = 0; i < 4; i++) {
        results.push(
          await create('+15005550500').then(
            () => 'ok',
            (err: { status: number; code: number }) => `${err.status}/${err.code}`,
          ),
        );
        expect((await client.calls.list({ limit: 1 })).length).toBeGreaterThanOrEqual(0);
      }
      expect(results).toEqual(['429/20429', '429/20429', '429/20429', 'ok']);
      // A 20429 is never processed: exactly one call was created.
      expect(sim.core.store.calls.size).toBe(before + 1);
      expect(sim.core.faults.restErrors).toBeGreaterThanOrEqual(3);
    });
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
