import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, DEFAULT_HOLD_MUSIC, type Simulator } from '../../src/sim';
import { createTwilioClient, type TwilioClient } from '../../src/twilio/client';
import { startTwimlServer, twiml, waitUntil, type Received, type TwimlServer } from './helpers';

const ALL_EVENTS = 'start end join leave mute hold modify speaker announcement';

describe('conference participants as Twilio documents them', () => {
  let sim: Simulator;
  let client: TwilioClient;
  let app: TwimlServer;
  let room = 0;
  let name = '';

  beforeAll(async () => {
    sim = buildSimulator({ seed: 21, webhookTimeoutMs: 2000, maxConferenceMs: 8000 });
    client = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      apiBaseUrl: await sim.start(0),
    });
    app = await startTwimlServer({
      '/customer': () =>
        twiml(
          `<Dial><Conference statusCallback="/events" statusCallbackEvent="${ALL_EVENTS}" beep="onEnter">${name}</Conference></Dial>`,
        ),
      '/hold': () => twiml('<Say>Please hold.</Say><Play>/music/jazz.mp3</Play><Redirect/>'),
      '/hold-audio': () => ({ type: 'audio/mpeg', body: 'ID3' }),
      '/hold-broken': () => ({ status: 500, body: 'no' }),
      '/announce': () => twiml('<Say>Recording starts now.</Say>'),
    });
  });

  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  afterEach(async () => {
    const live = sim.conferenceRoom(name);
    if (live) await client.conferences(live.record.sid).update({ status: 'completed' });
    await sim.idle();
    sim.setFaults({});
  });

  /** A customer calls in and waits in a fresh conference; resolves with the conference sid. */
  async function customerInRoom(script = {}): Promise<{ confSid: string; customer: string }> {
    name = `room-${++room}`;
    const { callSid } = sim.startInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}/customer`,
      script: { conferenceStayMs: 8000, ...script },
    });
    await waitUntil(() => sim.conferenceRoom(name)?.member(callSid) !== undefined);
    return { confSid: sim.conferenceRoom(name)!.record.sid, customer: callSid };
  }

  const events = (): Received[] => app.to('/events').filter((r) => r.params.FriendlyName === name);
  const eventNames = (): (string | undefined)[] =>
    events().map((r) => r.params.StatusCallbackEvent);

  it('adds an agent with a label, coaches, mutes and removes by label', async () => {
    const { confSid, customer } = await customerInRoom();
    sim.setParty('+15005550101', { answer: 'answer' });
    sim.setParty('+15005550102', { answer: 'answer' });
    const agent = await client.conferences(confSid).participants.create({
      from: '+14155550100',
      to: '+15005550101',
      label: 'agent-a',
      beep: 'onExit',
      endConferenceOnExit: false,
      statusCallback: `${app.url}/agent-status`,
      statusCallbackEvent: ['answered', 'completed'],
    });
    expect(agent.label).toBe('agent-a');
    await waitUntil(() => sim.conferenceRoom(name)?.member(agent.callSid) !== undefined);
    expect(sim.conferenceRoom(name)!.audibleTo(customer)).toEqual([agent.callSid]);

    // The supervisor coaches the agent: only the agent hears it.
    const coach = await client.conferences(confSid).participants.create({
      from: '+14155550100',
      to: '+15005550102',
      coaching: true,
      callSidToCoach: agent.callSid,
      muted: false,
      beep: 'false',
      startConferenceOnEnter: false,
    });
    expect(coach.coaching).toBe(true);
    expect(coach.callSidToCoach).toBe(agent.callSid);
    await waitUntil(() => sim.conferenceRoom(name)?.member(coach.callSid) !== undefined);
    const r = sim.conferenceRoom(name)!;
    expect(r.audibleTo(agent.callSid).sort()).toEqual([coach.callSid, customer].sort());
    expect(r.audibleTo(customer)).toEqual([agent.callSid]);

    // Barge: coaching off, so everyone hears the supervisor.
    await client.conferences(confSid).participants(coach.callSid).update({ coaching: false });
    expect(r.audibleTo(customer).sort()).toEqual([agent.callSid, coach.callSid].sort());

    const muted = await client.conferences(confSid).participants('agent-a').update({ muted: true });
    expect(muted.muted).toBe(true);
    expect(r.audibleTo(customer)).toEqual([coach.callSid]);
    await client.conferences(confSid).participants('agent-a').update({ muted: false });

    expect(await client.conferences(confSid).participants('agent-a').remove()).toBe(true);
    const agentRun = await sim.waitForCall(agent.callSid);
    expect(agentRun.status).toBe('completed');
    await waitUntil(() => eventNames().includes('participant-leave'));
    const leave = events().find((e) => e.params.StatusCallbackEvent === 'participant-leave');
    expect(leave?.params).toMatchObject({
      CallSid: agent.callSid,
      ParticipantLabel: 'agent-a',
      ReasonParticipantLeft: 'participant_updated_via_api',
      ParticipantCallStatus: 'completed',
    });
    expect(eventNames()).toEqual(
      expect.arrayContaining([
        'participant-join',
        'conference-start',
        'participant-modify',
        'participant-mute',
        'participant-unmute',
      ]),
    );
    // The customer hears its own entry beep (beep=onEnter) and the agent's exit beep
    // (beep=onExit); the agent's entry and the silent coach (beep=false) make none.
    const beeps = sim.core.live.get(customer)?.transcript.of('beep') ?? [];
    expect(beeps.filter((b) => b.callSid === customer)).toHaveLength(2);
    const seqs = events().map((e) => Number(e.params.SequenceNumber));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i));
    for (const e of events()) expect(e.params.Timestamp).toMatch(/^\w{3}, \d{2} \w{3} \d{4} /);
  });

  it('holds with the HoldUrl fetched by GET (TwiML, audio, default), so the held party never hears silence', async () => {
    const { confSid, customer } = await customerInRoom();
    const before = app.to('/hold').length;
    const held = await client
      .conferences(confSid)
      .participants(customer)
      .update({ hold: true, holdUrl: `${app.url}/hold` });
    expect(held.hold).toBe(true);
    const fetched = app.to('/hold').slice(before);
    // GET by default; the empty <Redirect/> loops the same document, which is fetched once.
    expect(fetched.map((r) => r.method)).toEqual(['GET']);
    expect(fetched[0]?.params).toMatchObject({ ConferenceSid: confSid, CallSid: customer });
    const transcript = sim.core.live.get(customer)!.transcript;
    expect(transcript.of('hold').at(-1)).toMatchObject({
      held: true,
      music: ['say Please hold.', `play ${app.url}/music/jazz.mp3`],
    });
    expect(sim.conferenceRoom(name)!.audibleTo(customer)).toEqual([]);

    await client.conferences(confSid).participants(customer).update({ hold: false });
    expect(transcript.of('hold').at(-1)).toMatchObject({ held: false });
    await client
      .conferences(confSid)
      .participants(customer)
      .update({ hold: true, holdUrl: `${app.url}/hold-audio`, holdMethod: 'POST' });
    expect(app.to('/hold-audio').map((r) => r.method)).toEqual(['POST']);
    expect(transcript.of('hold').at(-1)?.music).toEqual([`play ${app.url}/hold-audio`]);
    await client.conferences(confSid).participants(customer).update({ hold: false });

    // Without a HoldUrl the participant keeps the last one; a fresh participant gets Twilio's music.
    sim.setParty('+15005550103', { answer: 'answer' });
    const agent = await client
      .conferences(confSid)
      .participants.create({ from: '+14155550100', to: '+15005550103' });
    await waitUntil(() => sim.conferenceRoom(name)?.member(agent.callSid) !== undefined);
    await client.conferences(confSid).participants(agent.callSid).update({ hold: true });
    const agentLeg = sim.core.live.get(agent.callSid)!;
    expect(agentLeg.transcript.of('hold').at(-1)?.music).toEqual([`play ${DEFAULT_HOLD_MUSIC}`]);

    // A HoldUrl that fails is reported, and the silence shows in the transcript.
    await client
      .conferences(confSid)
      .participants(agent.callSid)
      .update({ hold: true, holdUrl: `${app.url}/hold-broken` });
    expect(agentLeg.transcript.of('hold').at(-1)?.music).toEqual([]);
    expect(agentLeg.transcript.of('error').at(-1)?.code).toBe(11200);
    await waitUntil(() => eventNames().filter((e) => e === 'participant-hold').length === 3);
    expect(eventNames()).toContain('participant-unhold');
  });

  it('a dialed participant who is busy or does not answer leaves with participant_add_failed', async () => {
    const { confSid } = await customerInRoom();
    sim.setParty('+15005550104', { answer: 'no-answer' });
    sim.setParty('+15005550105', { answer: 'busy' });
    sim.setParty('sip:agent-b@pbx.example.com', { sipResponseCode: 486 });
    const created = await Promise.all(
      ['+15005550104', '+15005550105', 'sip:agent-b@pbx.example.com'].map((to) =>
        client.conferences(confSid).participants.create({
          from: '+14155550100',
          to,
          timeout: 10,
          statusCallback: `${app.url}/b-status`,
        }),
      ),
    );
    expect(created.map((p) => p.status)).toEqual(['queued', 'queued', 'queued']);
    const runs = await Promise.all(created.map((p) => sim.waitForCall(p.callSid)));
    expect(runs.map((r) => r.status)).toEqual(['no-answer', 'busy', 'busy']);
    const statuses = app
      .to('/b-status')
      .map((r) => [r.params.CallStatus, r.params.SipResponseCode]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        ['no-answer', '487'],
        ['busy', '486'],
      ]),
    );
    await waitUntil(
      () =>
        events().filter((e) => e.params.ReasonParticipantLeft === 'participant_add_failed')
          .length === 3,
    );
    const failed = events().filter(
      (e) => e.params.ReasonParticipantLeft === 'participant_add_failed',
    );
    expect(failed.map((e) => e.params.ParticipantCallStatus).sort()).toEqual([
      'busy',
      'busy',
      'no-answer',
    ]);
    expect(await client.conferences(confSid).participants.list()).toHaveLength(1);
  });

  it("uses only the first participant's conference status callback, with SequenceNumber per conference", async () => {
    const { confSid } = await customerInRoom();
    sim.setParty('+15005550106', { answer: 'answer', conferenceStayMs: 100 });
    const p = await client.conferences(confSid).participants.create({
      from: '+14155550100',
      to: '+15005550106',
      conferenceStatusCallback: `${app.url}/ignored`,
      conferenceStatusCallbackEvent: ['join', 'leave'],
    });
    await sim.waitForCall(p.callSid);
    expect(app.to('/ignored')).toHaveLength(0);
    await waitUntil(() => eventNames().includes('participant-leave'));
    expect(
      events().find((e) => e.params.StatusCallbackEvent === 'participant-leave')?.params,
    ).toMatchObject({
      CallSid: p.callSid,
      ReasonParticipantLeft: 'participant_hung_up',
    });
  });

  it('announces, reports speech, async AMD, and the end with the right reasons', async () => {
    const { confSid, customer } = await customerInRoom();
    sim.setParty('+15005550107', {
      answer: 'answer',
      conferenceSpeech: [{ afterMs: 20, durationMs: 20 }],
    });
    const agent = await client.conferences(confSid).participants.create({
      from: '+14155550100',
      to: '+15005550107',
      endConferenceOnExit: true,
      machineDetection: 'Enable',
      amdStatusCallback: `${app.url}/amd`,
    });
    await waitUntil(() => eventNames().includes('participant-speech-stop'));
    expect(app.to('/amd')[0]?.params).toMatchObject({
      CallSid: agent.callSid,
      AnsweredBy: 'human',
    });
    await client.conferences(confSid).update({ announceUrl: `${app.url}/announce` });
    await waitUntil(() => eventNames().includes('announcement-end'));
    const said = sim.core.live
      .get(customer)!
      .transcript.of('say')
      .map((x) => x.text);
    expect(said).toContain('Recording starts now.');
    await client.conferences(confSid).participants(agent.callSid).remove();
    expect((await sim.waitForCall(customer)).status).toBe('completed');
    await sim.idle();
    const end = events().find((e) => e.params.StatusCallbackEvent === 'conference-end');
    expect(end?.params).toMatchObject({
      ReasonConferenceEnded: 'participant-with-end-conference-on-exit-kicked',
      CallSidEndingConference: agent.callSid,
    });
    const customerLeft = events().find(
      (e) => e.params.StatusCallbackEvent === 'participant-leave' && e.params.CallSid === customer,
    );
    expect(customerLeft?.params.ReasonParticipantLeft).toBe('moderator_ended_conference');
  });

  it('duplicates and reorders conference callbacks when asked', async () => {
    sim.setFaults({ callbacks: { duplicate: 1, reorder: true, kinds: ['conference'] } });
    const { confSid } = await customerInRoom();
    await client.conferences(confSid).update({ status: 'completed' });
    await sim.idle();
    const seqs = events().map((e) => Number(e.params.SequenceNumber));
    // Held until the conference ended, then sent newest first, each twice.
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(seqs.length).toBe(new Set(seqs).size * 2);
    expect(eventNames().at(0)).toBe('conference-end');
  });

  it('refuses coaching without a participant to coach, bad Beep and Timeout values', async () => {
    const { confSid } = await customerInRoom();
    const base = { from: '+14155550100', to: '+15005550108' };
    const fail = async (p: Promise<unknown>) =>
      p.then(
        () => ({ code: 0 }),
        (e: { code: number }) => e,
      );
    expect(
      (await fail(client.conferences(confSid).participants.create({ ...base, coaching: true })))
        .code,
    ).toBe(21218);
    expect(
      (
        await fail(
          client
            .conferences(confSid)
            .participants.create({ ...base, callSidToCoach: `CA${'0'.repeat(32)}` }),
        )
      ).code,
    ).toBe(21218);
    expect(
      (await fail(client.conferences(confSid).participants.create({ ...base, beep: 'sometimes' })))
        .code,
    ).toBe(21218);
    expect(
      (await fail(client.conferences(confSid).participants.create({ ...base, timeout: 2 }))).code,
    ).toBe(21218);
    expect(
      (await fail(client.conferences(confSid).participants.create({ ...base, to: '555' }))).code,
    ).toBe(21211);
    expect(await client.conferences(confSid).participants.list()).toHaveLength(1);
  });
});
