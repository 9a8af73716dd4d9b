import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwimlServer, twiml, type TwimlServer } from '../../sim/helpers';
import { startSimTwilio, waitUntil, type SimTwilio } from './sim';

describe('recording a live call through the Twilio activities', () => {
  let t: SimTwilio;
  let app: TwimlServer;

  beforeAll(async () => {
    t = await startSimTwilio();
    app = await startTwimlServer({
      '/conf': () => twiml('<Dial><Conference>rec-7</Conference></Dial>'),
    });
  });
  afterAll(async () => {
    await t.close();
    await app.close();
  });

  it('starts a dual-channel recording, pauses it with skip, resumes and stops it (Twilio.CURRENT)', async () => {
    t.sim.setParty('+15005550080', { answer: 'answer', conferenceStayMs: 10_000 });
    const call = await t.activities.createCall({
      to: '+15005550080',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => t.sim.core.live.get(call.sid)?.record.status === 'in-progress');

    const started = await t.activities.startCallRecording({
      callSid: call.sid,
      statusCallback: `${app.url}/rec`,
      statusCallbackEvents: ['in-progress', 'completed'],
    });
    expect(started).toMatchObject({
      callSid: call.sid,
      status: 'in-progress',
      channels: 2,
      source: 'StartCallRecordingAPI',
    });

    const paused = await t.activities.updateCallRecording({
      callSid: call.sid,
      status: 'paused',
      pauseBehavior: 'skip',
    });
    expect(paused).toMatchObject({ sid: started.sid, status: 'paused' });
    // Retried after a lost answer: pausing again is harmless.
    expect(
      (
        await t.activities.updateCallRecording({
          callSid: call.sid,
          status: 'paused',
          pauseBehavior: 'skip',
        })
      ).status,
    ).toBe('paused');
    const resumed = await t.activities.updateCallRecording({
      callSid: call.sid,
      recordingSid: started.sid,
      status: 'in-progress',
    });
    expect(resumed.status).toBe('in-progress');
    await t.activities.updateCallRecording({ callSid: call.sid, status: 'stopped' });
    await waitUntil(
      async () => (await t.activities.fetchRecording(started.sid)).status === 'completed',
    );
    await t.activities.updateCall({ callSid: call.sid, status: 'completed' });
    const run = await t.sim.waitForCall(call.sid);
    await t.sim.idle();

    expect(run.transcript.of('recording-control').map((e) => [e.status, e.pauseBehavior])).toEqual([
      ['in-progress', undefined],
      ['paused', 'skip'],
      ['in-progress', undefined],
      ['stopped', undefined],
    ]);
    expect(app.to('/rec').map((r) => r.params.RecordingStatus)).toEqual([
      'in-progress',
      'completed',
    ]);
  });

  it('a call with no active recording has no Twilio.CURRENT: a not-found failure', async () => {
    t.sim.setParty('+15005550081', { answer: 'answer', conferenceStayMs: 5000 });
    const call = await t.activities.createCall({
      to: '+15005550081',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => t.sim.core.live.get(call.sid)?.record.status === 'in-progress');
    await expect(
      t.activities.updateCallRecording({
        callSid: call.sid,
        status: 'paused',
        pauseBehavior: 'skip',
      }),
    ).rejects.toMatchObject({
      type: 'TwilioPermanent',
      details: [expect.objectContaining({ code: 20404 })],
    });
    await t.activities.updateCall({ callSid: call.sid, status: 'completed' });
  });
});
