import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conferenceAudit } from '../../activities/conference/audit';
import type { ConferenceSnapshot } from '../../workflows/conference/definitions';
import type { TranscriptEntry } from '../../src/sim/transcript';
import { loadIvr } from '../helpers/env';
import { ConferenceStack } from '../helpers/conference-stack';

let stack: ConferenceStack;

const AGENT_A = '+15005550201';
const AGENT_B = '+15005550202';
const SUPERVISOR = '+15005550209';

const byLabel = (s: ConferenceSnapshot, label: string) =>
  s.participants.find((p) => p.label === label);
const lastTransfer = (s: ConferenceSnapshot) => s.transfers[s.transfers.length - 1];

/** Every hold the customer went through played the hold music: never silence, never an error. */
function heardOnlyMusicWhileHeld(entries: readonly TranscriptEntry[]): void {
  const holds = entries.filter((e) => e.type === 'hold' && e.held);
  expect(holds.length).toBeGreaterThan(0);
  for (const h of holds)
    expect(h.type === 'hold' && h.music.some((m) => m.includes('hold-music'))).toBe(true);
  expect(entries.filter((e) => e.type === 'error')).toEqual([]);
}

/** Moves a fresh customer call into `name` with agent A and a transfer to B queued (the CLI path). */
async function startTransfer(name: string, customer: string, to = AGENT_B): Promise<string> {
  const callSid = await stack.customerCall(customer);
  const out = await stack.cli(
    'transfer',
    name,
    '--call',
    callSid,
    '--agent',
    AGENT_A,
    '--to',
    to,
    '--by',
    'alice',
    '--no-wait',
  );
  expect(out).toContain(`moving ${callSid} into the conference`);
  return callSid;
}

/** A customer with agent A in `name`, nothing else going on (`conference start`). */
async function startWithAgent(name: string, customer: string): Promise<string> {
  const callSid = await stack.customerCall(customer);
  await stack.cli('start', name, '--call', callSid, '--agent', AGENT_A, '--by', 'alice');
  await stack.until(name, (s) => byLabel(s, 'agent-1')?.status === 'joined');
  return callSid;
}

/** Ends the conference and waits for its workflow to close. */
async function endConference(name: string, scenario: string): Promise<ConferenceSnapshot> {
  await stack.cli('end', name, '--by', 'alice');
  await stack.until(name, (s) => s.status === 'ended');
  return stack.closed(name, scenario);
}

describe('conferences and warm transfer through the simulator', () => {
  beforeAll(async () => {
    stack = await ConferenceStack.start(loadIvr('conference-line'), 31);
    stack.sim.setParty(AGENT_A, { answer: 'answer' });
    stack.sim.setParty(AGENT_B, { answer: 'answer' });
    stack.sim.setParty(SUPERVISOR, { answer: 'answer' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('warm transfer: customer held with music, A and B talk, A leaves, B stays with the customer', async () => {
    const name = 'support-ticket-842193';
    const customer = await startTransfer(name, '+15005550301');

    // B has joined while the customer waits on hold: A and B consult.
    const consulting = await stack.until(name, (s) => lastTransfer(s)?.phase === 'consulting');
    expect(byLabel(consulting, 'customer')).toMatchObject({
      callSid: customer,
      status: 'joined',
      hold: true,
    });
    expect(byLabel(consulting, 'agent-1')).toMatchObject({ status: 'joined', hold: false });
    expect(byLabel(consulting, 'agent-2')).toMatchObject({ status: 'joined', address: AGENT_B });

    // A leaves (hangs up): the customer comes off hold and stays with B.
    expect(await stack.cli('kick', name, 'agent-1', '--by', 'alice')).toContain('kick agent-1');
    const done = await stack.until(
      name,
      (s) => lastTransfer(s)?.phase === 'completed' && !byLabel(s, 'customer')?.hold,
    );
    expect(byLabel(done, 'agent-1')?.status).toBe('left');
    expect(byLabel(done, 'agent-2')?.status).toBe('joined');
    expect(byLabel(done, 'customer')).toMatchObject({ status: 'joined', hold: false });

    // The customer heard hold music (waitUrl, then HoldUrl), never silence, and never sat alone.
    const run = stack.sim.core.live.get(customer);
    expect(run).toBeDefined();
    heardOnlyMusicWhileHeld(run!.transcript.entries);

    // Findable in the Temporal UI by ConferenceName and by any participant's CallSid.
    const bSid = byLabel(done, 'agent-2')!.callSid;
    // Visibility is eventually consistent: the search attribute upsert shows up within moments.
    const findBy = async (query: string): Promise<string[]> => {
      const ids: string[] = [];
      for await (const wf of stack.live.client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids;
    };
    const query = `ParticipantCallSids = '${bSid}' AND ConferenceName = '${name}'`;
    let found = await findBy(query);
    for (let i = 0; i < 50 && found.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      found = await findBy(query);
    }
    expect(found).toEqual([`conference-${name}`]);
    expect(await stack.cli('list')).toMatch(new RegExp(`${name}\\s+running`));

    const show = await stack.cli('show', name);
    expect(show).toContain('completed');
    expect(show).toContain('agent-2');
    expect(show).not.toContain(AGENT_B); // numbers are masked

    expect(await stack.cli('end', name, '--by', 'alice')).toContain('end');
    await stack.until(name, (s) => s.status === 'ended');
    const ended = await stack.closed(name, 'warm-transfer');
    expect(ended.participants.every((p) => p.status !== 'joined')).toBe(true);
    const audit = await conferenceAudit(stack.live.db, name);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['move-customer', 'transfer', 'kick', 'transfer-completed', 'end']),
    );
    expect(audit.find((a) => a.action === 'kick')).toMatchObject({
      actor: 'alice',
      participant: 'agent-1',
    });
  });

  it('B does not answer: the customer comes off hold, back with agent A', async () => {
    const name = 'support-ticket-842194';
    const B = '+15005550203';
    stack.sim.setParty(B, { answer: 'no-answer' });
    const customer = await startTransfer(name, '+15005550302', B);
    const s = await stack.until(name, (x) => lastTransfer(x)?.phase === 'returned-to-agent');
    // Twilio reports the failed add (participant-leave) and the leg's no-answer in either order.
    expect(['no-answer', 'participant_add_failed']).toContain(lastTransfer(s)?.outcome);
    expect(byLabel(s, 'agent-1')?.status).toBe('joined');
    expect(byLabel(s, 'agent-2')?.status).toBe('failed');
    const back = await stack.until(
      name,
      (x) =>
        byLabel(x, 'customer')?.hold === false && byLabel(x, 'agent-2')?.callStatus === 'no-answer',
    );
    expect(back.voicemail).toBe(false);
    heardOnlyMusicWhileHeld(stack.sim.core.live.get(customer)!.transcript.entries);
    await endConference(name, 'no-answer-back-to-agent');
  });

  it('B declines after agent A has left: the customer goes to voicemail, never alone', async () => {
    const name = 'support-ticket-842195';
    const B = '+15005550204';
    stack.sim.setParty(B, { answer: 'busy', answerDelayMs: 2500 });
    const customer = await startTransfer(name, '+15005550303', B);
    stack.sim.setParty('+15005550303', { answer: 'answer', records: [{ text: 'call me back' }] });
    await stack.until(name, (x) => lastTransfer(x)?.phase === 'ringing');
    await stack.cli('kick', name, 'agent-1', '--by', 'alice');
    await stack.until(name, (x) => x.voicemail && x.status === 'ended');
    const s = await stack.closed(name, 'voicemail');
    expect(lastTransfer(s)?.phase).toBe('voicemail');
    expect(['busy', 'participant_add_failed']).toContain(lastTransfer(s)?.outcome);
    const run = await stack.sim.waitForCall(customer);
    const said = run.transcript.of('say').map((e) => e.text);
    expect(said.some((t) => t.includes('leave a message'))).toBe(true);
    const audit = await conferenceAudit(stack.live.db, name);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['transfer-voicemail', 'voicemail']),
    );
  });

  it('a supervisor monitors (muted), coaches agent A, then barges in', async () => {
    const name = 'support-ticket-842196';
    await startWithAgent(name, '+15005550304');
    const agentSid = byLabel(await stack.state(name), 'agent-1')!.callSid;

    expect(await stack.cli('monitor', name, '--supervisor', SUPERVISOR, '--by', 'sam')).toContain(
      'monitor supervisor-1',
    );
    let s = await stack.until(name, (x) => byLabel(x, 'supervisor-1')?.status === 'joined');
    expect(byLabel(s, 'supervisor-1')).toMatchObject({ muted: true, coaching: false });

    await stack.cli('coach', name, '--supervisor', SUPERVISOR, '--agent', 'agent-1', '--by', 'sam');
    s = await stack.until(name, (x) => byLabel(x, 'supervisor-1')?.coaching === true);
    const supSid = byLabel(s, 'supervisor-1')!.callSid;
    const conferenceSid = s.conferenceSid!;
    const atTwilio = await stack.twilio.conferences(conferenceSid).participants(supSid).fetch();
    expect(atTwilio).toMatchObject({ coaching: true, callSidToCoach: agentSid, muted: false });

    await stack.cli('barge', name, '--supervisor', SUPERVISOR, '--by', 'sam');
    s = await stack.until(name, (x) => byLabel(x, 'supervisor-1')?.coaching === false);
    expect(byLabel(s, 'supervisor-1')).toMatchObject({ muted: false, status: 'joined' });
    // The supervisor stayed one participant throughout: modes change in place.
    expect(s.participants.filter((p) => p.label?.startsWith('supervisor-'))).toHaveLength(1);

    const audit = await conferenceAudit(stack.live.db, name);
    expect(audit.filter((a) => a.actor === 'sam').map((a) => a.action)).toEqual([
      'monitor',
      'coach',
      'barge',
    ]);
    await endConference(name, 'supervision');
  });

  it('mute, unmute, hold and unhold from the CLI, each audited with who and when', async () => {
    const name = 'support-ticket-842197';
    const customer = await startWithAgent(name, '+15005550305');
    await stack.cli('mute', name, 'agent-1', '--by', 'olga');
    await stack.until(name, (x) => byLabel(x, 'agent-1')?.muted === true);
    await stack.cli('hold', name, customer, '--by', 'olga');
    await stack.until(name, (x) => byLabel(x, 'customer')?.hold === true);
    await stack.cli('unmute', name, 'agent-1', '--by', 'olga');
    await stack.cli('unhold', name, 'customer', '--by', 'olga');
    const s = await stack.until(
      name,
      (x) => byLabel(x, 'agent-1')?.muted === false && byLabel(x, 'customer')?.hold === false,
    );
    expect(s.eventsSeen).toBeGreaterThan(4);
    heardOnlyMusicWhileHeld(stack.sim.core.live.get(customer)!.transcript.entries);

    const refused = await stack.cli('mute', name, 'agent-9').catch((err: Error) => err.message);
    expect(refused).toContain('no participant "agent-9"');

    const audit = await conferenceAudit(stack.live.db, name);
    const olga = audit.filter((a) => a.actor === 'olga');
    expect(olga.map((a) => [a.action, a.participant])).toEqual([
      ['mute', 'agent-1'],
      ['hold', 'customer'],
      ['unmute', 'agent-1'],
      ['unhold', 'customer'],
    ]);
    for (const a of olga) expect(Date.parse(a.at)).not.toBeNaN();
    await endConference(name, 'moderation');
  });

  it('warm transfer from an IVR node: the caller waits in support-{CallSid}, A answers, B takes over', async () => {
    const B = '+15005550205';
    stack.sim.setParty(B, { answer: 'answer' });
    const { callSid, result } = stack.sim.startInboundCall({
      to: '+15005550006',
      from: '+14155550199',
      voiceUrl: `${stack.live.baseUrl}/voice/inbound`,
      statusCallback: `${stack.live.baseUrl}/voice/status`,
      statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
    });
    const name = `support-${callSid}`;
    const joined = await stack.until(name, (s) => byLabel(s, 'agent-1')?.status === 'joined');
    expect(byLabel(joined, 'customer')).toMatchObject({ callSid, status: 'joined' });
    expect(byLabel(joined, 'agent-1')?.address).toBe(AGENT_A);

    await stack.cli('transfer', name, '--to', B, '--by', 'ivan', '--no-wait');
    await stack.until(name, (s) => lastTransfer(s)?.phase === 'consulting');
    await stack.cli('kick', name, 'agent-1', '--by', 'ivan');
    await stack.until(name, (s) => lastTransfer(s)?.phase === 'completed');
    await endConference(name, 'ivr-warm-transfer');

    // The conference over, the caller's <Dial> action brings them back to the IVR's next node.
    const run = await result;
    expect(run.transcript.of('say').map((e) => e.text)).toEqual(
      expect.arrayContaining([
        'Please hold while we find an agent.',
        'Thanks for calling. Goodbye.',
      ]),
    );
    heardOnlyMusicWhileHeld(run.transcript.entries);
    const snapshot = await stack.live.callResult(callSid);
    expect(snapshot.state.ended).toBe(true);
  });
});
