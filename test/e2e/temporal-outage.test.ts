import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/sim';
import { RestartableTemporal } from '../helpers/dev-server';
import { ACCOUNT_SID, AUTH_TOKEN, loadIvr } from '../helpers/env';
import { LiveStack } from '../helpers/live-stack';

/** Its own Temporal dev server on a SQLite file, so it can be stopped and started again. */
let temporal: RestartableTemporal;
let stack: LiveStack;
let journalStack: LiveStack;
let sim: Simulator;

beforeAll(async () => {
  const dbFile = path.join(
    mkdtempSync(path.join(tmpdir(), 'switchboard-outage-')),
    'temporal.sqlite',
  );
  temporal = await RestartableTemporal.start(inject('temporalBin'), dbFile);
  stack = await LiveStack.start(
    loadIvr('test-line'),
    { WEBHOOK_UPDATE_BUDGET_MS: '1000' },
    temporal.address,
  );
  journalStack = await LiveStack.start(
    loadIvr('test-line'),
    { WEBHOOK_MODE: 'journal', WEBHOOK_UPDATE_BUDGET_MS: '1000', CALL_LINGER_SECONDS: '1' },
    temporal.address,
  );
  sim = buildSimulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, seed: 11 });
  await sim.start(0);
});

afterAll(async () => {
  await sim?.close();
  await stack?.stop();
  await journalStack?.stop();
  await temporal?.close();
});

describe('Temporal stopped mid-call', () => {
  it('the caller hears the fallback, the call goes on when Temporal is back, and no event is lost', async () => {
    sim.setParty('+15005550101', { answer: 'answer' });
    let outage: Promise<void> | undefined;
    const started = sim.startInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${stack.baseUrl}/voice/inbound`,
      statusCallback: `${stack.baseUrl}/voice/status`,
      statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
      script: { gathers: [{ digits: '1' }] },
      onEntry: (entry) => {
        if (entry.type === 'input' && !outage) outage = temporal.stop();
      },
    });
    await new Promise((r) => setTimeout(r, 3000));
    await outage;
    await temporal.start();
    const run = await started.result;
    await sim.idle();

    expect(run.errors).toEqual([]);
    const said = run.transcript.of('say').map((s) => s.text);
    expect(
      said.filter((t) => t === 'Please hold while we connect you.').length,
    ).toBeGreaterThanOrEqual(1);
    expect(said.filter((t) => t === 'Connecting you to sales.')).toHaveLength(1);
    expect(run.status).toBe('completed');

    // Status callbacks sent during the outage were parked and relayed: every one is in the log.
    const sent = new Set(
      run.transcript
        .of('callback')
        .filter((c) => c.kind === 'status' && c.callSid === run.callSid)
        .map((c) => c.sequenceNumber),
    );
    let rows: { sequence_number: number }[] = [];
    for (let i = 0; i < 100 && rows.length < sent.size; i++) {
      rows = (
        await stack.db.query<{ sequence_number: number }>(
          `SELECT sequence_number FROM call_events WHERE call_sid = $1 AND kind = 'status'`,
          [run.callSid],
        )
      ).rows;
      if (rows.length < sent.size) await new Promise((r) => setTimeout(r, 200));
    }
    expect(new Set(rows.map((r) => r.sequence_number))).toEqual(sent);
    const inbox = await stack.db.query('SELECT 1 FROM callback_inbox WHERE workflow_id = $1', [
      `call-${run.callSid}`,
    ]);
    expect(inbox.rowCount).toBe(0);
  });
});

describe('Temporal stopped mid-call, journal mode', () => {
  it('the caller goes on without holding, and the workflow catches up with every step and event', async () => {
    sim.setParty('+15005550101', { answer: 'answer' });
    let outage: Promise<void> | undefined;
    const started = sim.startInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${journalStack.baseUrl}/voice/inbound`,
      statusCallback: `${journalStack.baseUrl}/voice/status`,
      statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
      script: { gathers: [{ digits: '1' }] },
      onEntry: (entry) => {
        if (entry.type === 'input' && !outage) outage = temporal.stop();
      },
    });
    // The whole call happens while Temporal is down: nothing the caller hears depends on it.
    const run = await started.result;
    await sim.idle();
    await outage;
    expect(run.errors).toEqual([]);
    const said = run.transcript.of('say').map((s) => s.text);
    expect(said).not.toContain('Please hold while we connect you.');
    expect(said.filter((t) => t === 'Connecting you to sales.')).toHaveLength(1);
    const waiting = await journalStack.db.query(
      'SELECT 1 FROM callback_inbox WHERE workflow_id = $1',
      [`call-${run.callSid}`],
    );
    expect(waiting.rowCount).toBeGreaterThan(0);

    await temporal.start();
    const result = await journalStack.callResult(run.callSid);
    expect(result).toMatchObject({ status: 'completed', state: { node: 'sales', ended: true } });
    const { rows } = await journalStack.db.query<{ kind: string; sequence_number: number | null }>(
      'SELECT kind, sequence_number FROM call_events WHERE call_sid = $1 ORDER BY id',
      [run.callSid],
    );
    expect(rows.filter((r) => r.kind === 'ivr.selected')).toHaveLength(1);
    const sent = new Set(
      run.transcript
        .of('callback')
        .filter((c) => c.kind === 'status' && c.callSid === run.callSid)
        .map((c) => c.sequenceNumber),
    );
    expect(new Set(rows.filter((r) => r.kind === 'status').map((r) => r.sequence_number))).toEqual(
      sent,
    );
    const inbox = await journalStack.db.query(
      'SELECT 1 FROM callback_inbox WHERE workflow_id = $1',
      [`call-${run.callSid}`],
    );
    expect(inbox.rowCount).toBe(0);
  });
});
