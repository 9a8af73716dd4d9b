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

describe('conferences and warm transfer through the simulator', () => {
  beforeAll(async () => {
    stack = await ConferenceStack.start(loadIvr('test-line'), 31);
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

    const show = await stack.cli('show', name);
    expect(show).toContain('completed');
    expect(show).toContain('agent-2');
    expect(show).not.toContain(AGENT_B); // numbers are masked

    expect(await stack.cli('end', name, '--by', 'alice')).toContain('end');
    const ended = await stack.until(name, (s) => s.status === 'ended');
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
});
