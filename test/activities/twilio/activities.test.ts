import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_REFERENCE_PARAM } from '../../../activities/twilio/calls';
import { startTwimlServer, twiml, type TwimlServer } from '../../sim/helpers';
import { startSimTwilio, waitUntil, type SimTwilio } from './sim';

const FROM = '+14155550100';

describe('Twilio REST activities against the simulator', () => {
  let t: SimTwilio;
  let app: TwimlServer;

  beforeAll(async () => {
    t = await startSimTwilio();
    app = await startTwimlServer({
      '/voice': () => twiml('<Say>Hello</Say>'),
      '/conf': () => twiml('<Dial><Conference>room-7</Conference></Dial>'),
    });
  });
  afterAll(async () => {
    await t.close();
    await app.close();
  });

  it('creates a call whose webhooks carry the reference, and finds it by To and time', async () => {
    const since = new Date().toISOString();
    const call = await t.activities.createCall({
      to: '+15005550006',
      from: FROM,
      url: `${app.url}/voice`,
      statusCallback: `${app.url}/status`,
      statusCallbackEvents: ['answered', 'completed'],
      reference: 'attempt-42',
    });
    expect(call).toMatchObject({ status: 'queued', to: '+15005550006', direction: 'outbound-api' });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    await t.sim.waitForCall(call.sid);
    await t.sim.idle();
    expect(app.to('/voice')[0]?.url).toContain(`${CALL_REFERENCE_PARAM}=attempt-42`);
    expect(app.to('/status').at(-1)?.url).toContain(`${CALL_REFERENCE_PARAM}=attempt-42`);

    const found = await t.activities.findCalls({
      to: '+15005550006',
      from: FROM,
      createdAfter: since,
    });
    expect(found.map((c) => c.sid)).toContain(call.sid);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await t.activities.findCalls({ to: '+15005550006', createdAfter: later })).toEqual([]);
  });

  it('redirects a live call with new TwiML, then hangs it up', async () => {
    t.sim.setParty('+15005550070', { answer: 'answer', conferenceStayMs: 5000 });
    const call = await t.activities.createCall({
      to: '+15005550070',
      from: FROM,
      url: `${app.url}/conf`,
    });
    await waitUntil(() => t.sim.core.live.has(call.sid) && t.sim.core.store.conferences.size > 0);
    const redirected = await t.activities.updateCall({
      callSid: call.sid,
      twiml: '<Response><Say>Moved</Say><Pause length="30"/></Response>',
    });
    expect(redirected.sid).toBe(call.sid);
    const ended = await t.activities.updateCall({ callSid: call.sid, status: 'completed' });
    expect(ended.status).toBe('completed');
    const run = await t.sim.waitForCall(call.sid);
    expect(run.transcript.of('say').map((s) => s.text)).toContain('Moved');
  });

  it('cancels a ringing call', async () => {
    t.sim.setParty('+15005550071', { answer: 'answer', answerDelayMs: 3000 });
    const call = await t.activities.createCall({
      to: '+15005550071',
      from: FROM,
      url: `${app.url}/voice`,
    });
    const canceled = await t.activities.cancelCall(call.sid);
    expect(canceled.status).toBe('canceled');
  });

  it('sends a message', async () => {
    const message = await t.activities.sendMessage({
      to: '+15005550072',
      from: FROM,
      body: 'Your appointment is tomorrow',
    });
    expect(message).toMatchObject({ status: 'queued', to: '+15005550072', from: FROM });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("fetches a recording's metadata and deletes it; a second delete finds it gone", async () => {
    // createCall does not record; the recording workflow's calls come from <Record> or Dial.
    const recorded = await t.client.calls.create({
      to: '+15005550074',
      from: FROM,
      url: `${app.url}/voice`,
      record: true,
    });
    await t.sim.waitForCall(recorded.sid);
    const [listed] = await t.client.calls(recorded.sid).recordings.list();
    const rec = await t.activities.fetchRecording(listed!.sid);
    expect(rec).toMatchObject({ sid: listed!.sid, callSid: recorded.sid, status: 'completed' });
    expect(rec.durationSec).toBeGreaterThan(0);
    expect(await t.activities.deleteRecording(rec.sid)).toBe(true);
    expect(await t.activities.deleteRecording(rec.sid)).toBe(false);
  });

  it('adds, mutes and removes a conference participant', async () => {
    t.sim.setParty('+15005550075', { answer: 'answer', conferenceStayMs: 10_000 });
    t.sim.setParty('+15005550076', { answer: 'answer', conferenceStayMs: 10_000 });
    await t.activities.createCall({ to: '+15005550075', from: FROM, url: `${app.url}/conf` });
    await waitUntil(() => t.sim.core.store.activeConferenceByName('room-7') !== undefined);
    const conferenceSid = t.sim.core.store.activeConferenceByName('room-7')!.sid;

    const agent = await t.activities.addParticipant({
      conference: conferenceSid,
      from: FROM,
      to: '+15005550076',
      label: 'agent',
    });
    expect(agent).toMatchObject({ conferenceSid, label: 'agent', muted: false });
    const muted = await t.activities.updateParticipant({
      conferenceSid,
      participant: 'agent',
      muted: true,
    });
    expect(muted.muted).toBe(true);
    expect(muted.callSid).toBe(agent.callSid);
    const ref = { conferenceSid, participant: agent.callSid };
    expect(await t.activities.removeParticipant(ref)).toBe(true);
    await t.sim.waitForCall(agent.callSid);
    expect(await t.activities.removeParticipant(ref)).toBe(false);
  });
});
