import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type CallRun, type PartyScript, type Simulator } from '../../src/sim';
import { callSnapshotQuery } from '../../workflows/call/definitions';
import { callWorkflowId } from '../../workflows/shared/ids';
import { ACCOUNT_SID, AUTH_TOKEN, loadIvr } from '../helpers/env';
import { LiveStack } from '../helpers/live-stack';

let stack: LiveStack;
let sim: Simulator;

const SALES = '+15005550101';
const EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

function call(script: PartyScript): Promise<CallRun> {
  return sim.placeInboundCall({
    to: '+15005550006',
    from: '+14155550100',
    voiceUrl: `${stack.baseUrl}/voice/inbound`,
    statusCallback: `${stack.baseUrl}/voice/status`,
    statusCallbackEvents: EVENTS,
    script,
  });
}

const heard = (run: CallRun): string[] => run.transcript.of('say').map((s) => s.text);

/** Waits for the workflow's call log to settle: the worker writes events after answering Twilio. */
async function callRow(
  callSid: string,
  status = 'completed',
): Promise<{ status: string; ivr_node: string }> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await stack.db.query<{ status: string; ivr_node: string }>(
      'SELECT status, ivr_node FROM calls WHERE call_sid = $1',
      [callSid],
    );
    if (rows[0]?.status === status) return rows[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`call ${callSid} never reached ${status}`);
}

async function eventKinds(callSid: string): Promise<string[]> {
  const { rows } = await stack.db.query<{ kind: string }>(
    'SELECT kind FROM call_events WHERE call_sid = $1 ORDER BY id',
    [callSid],
  );
  return rows.map((r) => r.kind);
}

// Every scenario runs in both webhook modes: the workflow answering through updates, and the
// server answering from the journal while the workflow follows.
describe.each(['update', 'journal'] as const)(
  'inbound calls through the simulator, %s mode',
  (mode) => {
    beforeAll(async () => {
      stack = await LiveStack.start(loadIvr('test-line'), {
        WEBHOOK_MODE: mode,
        WEBHOOK_UPDATE_BUDGET_MS: '1000',
        CALL_LINGER_SECONDS: '1',
      });
      // Each mode gets its own seed: the same seed would give the same CallSids, and a call of this
      // block would join a still-lingering workflow of the other.
      sim = buildSimulator({
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        seed: mode === 'update' ? 7 : 8,
      });
      await sim.start(0);
    });

    afterEach(() => sim.setFaults({}));

    afterAll(async () => {
      await sim?.close();
      await stack?.stop();
    });

    it('press 1 → sales transfer', async () => {
      sim.setParty(SALES, { answer: 'answer', talkSeconds: 20 });
      const run = await call({ gathers: [{ digits: '1' }] });
      expect(run.errors).toEqual([]);
      expect(run.status).toBe('completed');
      expect(heard(run)).toContain('Connecting you to sales.');
      expect(run.transcript.of('leg').some((l) => l.to === SALES && l.status === 'completed')).toBe(
        true,
      );
      expect(await callRow(run.callSid)).toMatchObject({ status: 'completed', ivr_node: 'sales' });
    });

    it('speech "support" → support', async () => {
      sim.setParty('sip:support@switchboard-demo.sip.twilio.com', { answer: 'answer' });
      const run = await call({ gathers: [{ speech: 'I need support please', confidence: 0.9 }] });
      expect(run.errors).toEqual([]);
      expect(heard(run)).toContain('Connecting you to support.');
      expect(await callRow(run.callSid)).toMatchObject({ ivr_node: 'support' });
    });

    it('silence three times → goodbye', async () => {
      const run = await call({
        gathers: [{ silence: true }, { silence: true }, { silence: true }],
      });
      expect(run.errors).toEqual([]);
      const said = heard(run);
      expect(said.filter((t) => t === "Sorry, I didn't hear anything.")).toHaveLength(2);
      expect(said.at(-1)).toBe("We didn't hear from you. Goodbye.");
      expect(run.transcript.of('hangup')[0]?.by).toBe('twiml');
      await callRow(run.callSid);
      expect((await eventKinds(run.callSid)).filter((k) => k === 'ivr.failed')).toHaveLength(3);
    });

    it('invalid digits past the cap → operator', async () => {
      sim.setParty('client:operator', { answer: 'answer' });
      const run = await call({ gathers: [{ digits: '9' }, { digits: '7' }, { digits: '8' }] });
      expect(run.errors).toEqual([]);
      expect(heard(run).filter((t) => t === 'Sorry, that is not an option.')).toHaveLength(2);
      expect(heard(run)).toContain('Please hold for the operator.');
      expect(await callRow(run.callSid)).toMatchObject({ ivr_node: 'operator' });
    });

    it('transfer unanswered → voicemail recorded', async () => {
      sim.setParty(SALES, { answer: 'no-answer' });
      const run = await call({
        gathers: [{ digits: '1' }],
        records: [{ text: 'Hi, this is Ada, please call me back.', durationSec: 4 }],
      });
      expect(run.errors).toEqual([]);
      expect(heard(run)).toContain(
        'Please leave a message after the tone. Press pound when you are done.',
      );
      expect(heard(run).at(-1)).toBe('Thank you. We will call you back. Goodbye.');
      const recording = run.transcript.of('recording')[0];
      expect(recording?.recordingSid).toMatch(/^RE[0-9a-f]{32}$/);
      await callRow(run.callSid);
      const { rows } = await stack.db.query<{ detail: { recordingSid?: string } }>(
        `SELECT detail FROM call_events WHERE call_sid = $1 AND kind = 'ivr.voicemail'`,
        [run.callSid],
      );
      expect(rows.map((r) => r.detail.recordingSid)).toEqual([recording?.recordingSid]);
    });

    it('duplicated and shuffled status callbacks → one row per event and the right final status', async () => {
      sim.setParty(SALES, { answer: 'answer' });
      sim.setFaults({ callbacks: { duplicate: 1, reorder: true, kinds: ['status'] } });
      const run = await call({ gathers: [{ digits: '1' }] });
      await sim.idle();
      const sent = run.transcript
        .of('callback')
        .filter((c) => c.kind === 'status' && c.callSid === run.callSid);
      expect(sent.some((c) => c.fault === 'duplicate')).toBe(true);
      // Reordered callbacks can put 'completed' first: the log is whole once the workflow closes.
      await stack.callResult(run.callSid);
      expect(await callRow(run.callSid)).toMatchObject({ status: 'completed' });
      const { rows } = await stack.db.query<{ sequence_number: number; call_status: string }>(
        `SELECT sequence_number, call_status FROM call_events
        WHERE call_sid = $1 AND kind = 'status' ORDER BY sequence_number`,
        [run.callSid],
      );
      const distinct = new Set(sent.map((c) => c.sequenceNumber));
      expect(rows).toHaveLength(distinct.size);
      expect(rows.at(-1)?.call_status).toBe('completed');
      const snapshot = await stack.client.workflow
        .getHandle(callWorkflowId(run.callSid))
        .query(callSnapshotQuery);
      expect(snapshot.status).toBe('completed');
    });

    it('a webhook retried with the same idempotency token advances the IVR once', async () => {
      sim.setParty(SALES, { answer: 'answer' });
      // The first attempt of the second TwiML request (the key press) is treated as timed out.
      const run = await call({
        gathers: [{ digits: '1' }],
        faults: { webhooks: { timeoutRequests: [1] } },
      });
      expect(run.errors).toEqual([]);
      const actions = run.transcript.of('request').filter((r) => r.purpose === 'action');
      expect(actions[0]?.attempt).toBe(1);
      expect(actions[1]?.attempt).toBe(2);
      expect(actions[1]?.idempotencyToken).toBe(actions[0]?.idempotencyToken);
      expect(heard(run).filter((t) => t === 'Connecting you to sales.')).toHaveLength(1);
      await callRow(run.callSid);
      expect((await eventKinds(run.callSid)).filter((k) => k === 'ivr.selected')).toHaveLength(1);
    });

    it('a number without a status callback: the call closes once the IVR has hung up', async () => {
      const run = await sim.placeInboundCall({
        to: '+15005550006',
        from: '+14155550100',
        voiceUrl: `${stack.baseUrl}/voice/inbound`,
        script: { gathers: [{ silence: true }, { silence: true }, { silence: true }] },
      });
      const result = await stack.callResult(run.callSid);
      expect(result).toMatchObject({
        status: 'completed',
        state: { node: 'goodbye', ended: true },
      });
      const { rows } = await stack.db.query<{ detail: { assumed?: string } }>(
        `SELECT detail FROM call_events WHERE call_sid = $1 AND kind = 'status'`,
        [run.callSid],
      );
      expect(rows.map((r) => r.detail.assumed)).toEqual(['ivr-hung-up']);
    });

    it('worker killed mid-IVR and restarted → the call resumes at its node', async () => {
      sim.setParty(SALES, { answer: 'answer' });
      let stopped: Promise<void> | undefined;
      const started = sim.startInboundCall({
        to: '+15005550006',
        from: '+14155550100',
        voiceUrl: `${stack.baseUrl}/voice/inbound`,
        statusCallback: `${stack.baseUrl}/voice/status`,
        statusCallbackEvents: EVENTS,
        script: { gathers: [{ digits: '1' }] },
        onEntry: (entry) => {
          // The caller is at the menu and about to press 1: the worker dies now.
          if (entry.type === 'input' && !stopped) stopped = stack.stopWorker();
        },
      });
      await new Promise((r) => setTimeout(r, 2500));
      await stopped;
      await stack.startWorker();
      const run = await started.result;
      expect(run.errors).toEqual([]);
      const holds = heard(run).filter((t) => t === 'Please hold while we connect you.');
      // With updates the caller holds until the worker is back; from the journal the IVR goes on
      // and the workflow catches up when it is.
      if (mode === 'update') expect(holds.length).toBeGreaterThanOrEqual(1);
      else expect(holds).toEqual([]);
      expect(heard(run).filter((t) => t === 'Connecting you to sales.')).toHaveLength(1);
      expect(await callRow(run.callSid)).toMatchObject({ status: 'completed', ivr_node: 'sales' });
      expect((await eventKinds(run.callSid)).filter((k) => k === 'ivr.selected')).toHaveLength(1);
    });
  },
);
