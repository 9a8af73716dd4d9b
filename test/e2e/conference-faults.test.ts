import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conferenceInput, conferenceStartOptions } from '../../src/conference/start';
import type { ConferenceSnapshot } from '../../workflows/conference/definitions';
import { CONFERENCE_WORKFLOW_TYPE } from '../../workflows/shared/ids';
import { ConferenceStack } from '../helpers/conference-stack';
import { loadIvr } from '../helpers/env';
import { encodeForm, sign } from '../server/harness';

let stack: ConferenceStack;

const AGENT_A = '+15005550211';
const AGENT_B = '+15005550212';

const byLabel = (s: ConferenceSnapshot, label: string) =>
  s.participants.find((p) => p.label === label);
const lastTransfer = (s: ConferenceSnapshot) => s.transfers[s.transfers.length - 1];

/** The participants Twilio (the simulator) has in a conference now, by CallSid. */
function atTwilio(conferenceSid: string) {
  return Object.fromEntries(
    [...stack.sim.core.store.participants.values()]
      .filter((p) => p.conferenceSid === conferenceSid)
      .map((p) => [p.callSid, { muted: p.muted, hold: p.hold }]),
  );
}

/** What the workflow lists as in the conference, in the same shape. */
function listed(s: ConferenceSnapshot) {
  return Object.fromEntries(
    s.participants
      .filter((p) => p.status === 'joined')
      .map((p) => [p.callSid, { muted: p.muted, hold: p.hold }]),
  );
}

describe('conference callbacks duplicated and shuffled, and a worker killed mid-transfer', () => {
  beforeAll(async () => {
    stack = await ConferenceStack.start(loadIvr('test-line'), 47);
    stack.sim.setParty(AGENT_A, { answer: 'answer' });
  });

  afterAll(async () => {
    stack.sim.setFaults({});
    await stack?.stop();
  });

  it('every conference and status callback sent twice: the list matches Twilio’s', async () => {
    stack.sim.setFaults({ callbacks: { duplicate: 1, kinds: ['conference', 'status'] } });
    stack.sim.setParty(AGENT_B, { answer: 'answer' });
    const name = 'dup-ticket-1';
    const customer = await stack.customerCall('+15005550311');
    await stack.cli(
      'transfer',
      name,
      '--call',
      customer,
      '--agent',
      AGENT_A,
      '--to',
      AGENT_B,
      '--no-wait',
    );
    await stack.until(name, (s) => lastTransfer(s)?.phase === 'consulting');
    await stack.cli('mute', name, 'agent-2', '--by', 'olga');
    await stack.cli('kick', name, 'agent-1', '--by', 'olga');
    const s = await stack.until(
      name,
      (x) => lastTransfer(x)?.phase === 'completed' && byLabel(x, 'customer')?.hold === false,
    );
    // Let every duplicate land, then compare with what Twilio itself holds.
    await new Promise((r) => setTimeout(r, 500));
    const settled = await stack.state(name);
    expect(listed(settled)).toEqual(atTwilio(s.conferenceSid!));
    expect(byLabel(settled, 'agent-2')).toMatchObject({ status: 'joined', muted: true });
    expect(settled.transfers).toHaveLength(1);
    stack.sim.setFaults({});
    await stack.cli('end', name);
    await stack.until(name, (x) => x.status === 'ended');
    await stack.closed(name, 'duplicated-callbacks');
  });

  it('callbacks posted shuffled and twice through the signed route leave the right list', async () => {
    const name = 'shuffle-ticket-1';
    const config = stack.live.config;
    // A conference whose participants joined by TwiML: the workflow only keeps their list.
    await stack.live.client.workflow.start(
      CONFERENCE_WORKFLOW_TYPE,
      conferenceStartOptions(
        conferenceInput(config, { name, by: 'test', customerJoinsItself: true }),
        config.TEMPORAL_TASK_QUEUE,
      ),
    );
    const CF = 'CF' + 'ab'.repeat(16);
    const sid = (n: number) => 'CA' + String(n).padStart(32, '7');
    const ts = (seq: number) => new Date(Date.UTC(2026, 11, 3, 16, 0, seq)).toUTCString();
    const part = (seq: number, event: string, n: number, extra: Record<string, string> = {}) => ({
      AccountSid: config.TWILIO_ACCOUNT_SID,
      ConferenceSid: CF,
      FriendlyName: name,
      StatusCallbackEvent: event,
      SequenceNumber: String(seq),
      Timestamp: ts(seq),
      CallSid: sid(n),
      Muted: 'false',
      Hold: 'false',
      Coaching: 'false',
      ...extra,
    });
    const sequence: Record<string, string>[] = [
      part(0, 'participant-join', 1, { ParticipantLabel: 'caller' }),
      part(1, 'participant-join', 2, { ParticipantLabel: 'rep-1' }),
      { ...part(2, 'conference-start', 1), CallSid: '' },
      part(3, 'participant-hold', 1, { Hold: 'true' }),
      part(4, 'participant-join', 3, { ParticipantLabel: 'rep-2' }),
      part(5, 'participant-mute', 3, { Muted: 'true' }),
      part(6, 'participant-leave', 2, { ReasonParticipantLeft: 'participant_hung_up' }),
      part(7, 'participant-unhold', 1),
      part(8, 'participant-speech-start', 3, { Muted: 'true' }),
      part(9, 'participant-unmute', 3),
      part(10, 'participant-mute', 1, { Muted: 'true' }),
    ].map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== '')));
    // Newest first, each twice, the duplicates interleaved: the worst order Twilio could pick.
    const delivered = [...sequence]
      .reverse()
      .flatMap((p, i, all) => [p, all[(i + 3) % all.length]!]);
    const url = `${config.PUBLIC_BASE_URL}/voice/conference/status`;
    for (const params of delivered) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': sign(url, params),
        },
        body: encodeForm(params),
      });
      expect(res.status).toBe(204);
    }
    const s = await stack.until(name, (x) => x.eventsSeen === sequence.length);
    expect(s.conferenceSid).toBe(CF);
    expect(s.status).toBe('in-progress');
    const view = Object.fromEntries(
      s.participants.map((p) => [p.label, [p.status, p.muted, p.hold, p.speaking]]),
    );
    expect(view).toEqual({
      caller: ['joined', true, false, false],
      'rep-1': ['left', false, false, false],
      'rep-2': ['joined', false, false, true],
    });
    await stack.live.client.workflow.getHandle(`conference-${name}`).terminate('test over');
  });

  it('the worker killed while B rings: after the restart the transfer completes', async () => {
    const B = '+15005550213';
    stack.sim.setParty(B, { answer: 'answer', answerDelayMs: 1500 });
    const name = 'crash-ticket-1';
    const customer = await stack.customerCall('+15005550312');
    await stack.cli(
      'transfer',
      name,
      '--call',
      customer,
      '--agent',
      AGENT_A,
      '--to',
      B,
      '--no-wait',
    );
    const ringing = await stack.until(name, (s) => lastTransfer(s)?.phase === 'ringing');
    await stack.live.stopWorker();

    // While no worker runs: B answers and joins, then agent A hangs up.
    const bSid = lastTransfer(ringing)!.targetCallSid!;
    const aSid = byLabel(ringing, 'agent-1')!.callSid;
    const cf = ringing.conferenceSid!;
    const deadline = Date.now() + 10_000;
    while (
      !stack.sim.core.store.participant(cf, bSid) ||
      stack.sim.core.store.participant(cf, bSid)?.status !== 'connected'
    ) {
      if (Date.now() > deadline) throw new Error('B never joined');
      await new Promise((r) => setTimeout(r, 100));
    }
    await stack.twilio.conferences(cf).participants(aSid).remove();

    await stack.live.startWorker();
    const s = await stack.until(
      name,
      (x) => lastTransfer(x)?.phase === 'completed' && byLabel(x, 'customer')?.hold === false,
    );
    expect(byLabel(s, 'agent-2')).toMatchObject({ callSid: bSid, status: 'joined' });
    expect(atTwilio(cf)[customer]).toEqual({ muted: false, hold: false });
    await stack.cli('end', name);
    await stack.until(name, (x) => x.status === 'ended');
    await stack.closed(name, 'worker-restart');
  });
});
