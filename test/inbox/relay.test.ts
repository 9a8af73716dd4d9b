import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallActivities } from '../../activities/call/call-log';
import type { Db } from '../../src/db/pool';
import { parkSignal, relayParkedSignals, type Relay } from '../../src/inbox/inbox';
import type { CallInput, CallStatusEvent, JournalEntry } from '../../workflows/call/definitions';
import { loadIvr, quietLogger, randomCallSid, testCallInput, testDb } from '../helpers/env';
import {
  FakeServiceError,
  FakeTemporal,
  UNAVAILABLE,
  type TemporalCall,
} from '../helpers/fake-temporal';

/** The outbox relay against the real test database and a recording Temporal fake. */
let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());

const ivr = loadIvr('test-line');
const lookup = (id: string, version: number) =>
  Promise.resolve(id === ivr.id && version === ivr.version ? ivr : undefined);

const status = (callSid: string, seq: number): CallStatusEvent => ({
  eventKey: `${callSid}:status:${seq}`,
  callStatus: seq === 0 ? 'in-progress' : 'completed',
  sequenceNumber: seq,
  timestamp: '2026-11-23T12:00:00.000Z',
});

async function rowsOf(callSid: string): Promise<number> {
  const { rowCount } = await db.query('SELECT 1 FROM signal_outbox WHERE workflow_id = $1', [
    `call-${callSid}`,
  ]);
  return rowCount ?? 0;
}

const relayWith = (temporal: FakeTemporal, windowMs = 0): Relay => ({
  db,
  temporal: temporal.asClient(),
  taskQueue: 'q',
  ivrs: lookup,
  log: quietLogger,
  windowMs,
  eagerStart: true,
});

/** The inbound step of a journaled call, as the webhook server writes it. */
/** A status callback of a journaled call, as the webhook server writes it. */
async function parkStatus(
  callSid: string,
  seq: number,
  extra: { startInput?: CallInput; durationSeconds?: number } = {},
): Promise<void> {
  const { startInput, durationSeconds } = extra;
  await parkSignal(db, {
    kind: 'status',
    eventKey: status(callSid, seq).eventKey,
    workflowId: `call-${callSid}`,
    payload: { ...status(callSid, seq), ...(durationSeconds ? { durationSeconds } : {}) },
    ...(startInput ? { startInput } : {}),
  });
}

async function parkInbound(callSid: string): Promise<void> {
  const workflowId = `call-${callSid}`;
  const step = {
    key: 'in',
    request: { kind: 'inbound' as const },
    decidedAt: '2026-11-23T12:00:00.000Z',
  };
  await parkSignal(db, {
    kind: 'step',
    eventKey: `${workflowId}:step:in`,
    workflowId,
    payload: step,
    startInput: testCallInput(callSid),
  });
}

/** What the relay asked of Temporal for one call. */
const callsFor = (temporal: FakeTemporal, workflowId: string): TemporalCall[] =>
  temporal.calls.filter((c) => c.workflowId === workflowId);

/** The journal entries a relay call carried: in the start input, or as the signal's argument. */
const entriesOf = (call: TemporalCall): JournalEntry[] =>
  call.method === 'start'
    ? ((call.startArgs![0] as CallInput).journal ?? [])
    : (call.args[0] as JournalEntry[]);

async function relayAll(temporal: FakeTemporal): Promise<void> {
  while ((await relayParkedSignals(relayWith(temporal))) > 0);
}

describe('outbox relay', () => {
  it('sends a call its rows as one signal, in order, and starts it with the stored IVR version', async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    await parkInbound(callSid);
    await parkStatus(callSid, 0);
    const stored = await db.query<{ start_input: { ivr: object } }>(
      'SELECT start_input FROM signal_outbox WHERE workflow_id = $1 AND start_input IS NOT NULL',
      [workflowId],
    );
    // The row keeps the IVR by reference, not the whole definition.
    expect(stored.rows[0]!.start_input.ivr).toEqual({ id: 'test-line', version: 1 });

    const temporal = new FakeTemporal();
    await relayAll(temporal);
    const mine = callsFor(temporal, workflowId);
    // The call's first step starts the workflow eagerly, its rows in the input.
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ method: 'start', eager: true });
    expect(entriesOf(mine[0]!).map((e) => e.kind)).toEqual(['step', 'status']);
    expect((mine[0]!.startArgs![0] as CallInput).ivr).toEqual(ivr);
    expect(await rowsOf(callSid)).toBe(0);
  });

  it('signals the rows of a call whose workflow a status callback had started', async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    await parkInbound(callSid);
    const temporal = new FakeTemporal();
    temporal.onStart = () =>
      Promise.reject(
        new WorkflowExecutionAlreadyStartedError('exists', workflowId, 'callWorkflow'),
      );
    await relayAll(temporal);
    const mine = callsFor(temporal, workflowId);
    expect(mine.map((c) => c.method)).toEqual(['start', 'signal']);
    expect(mine[1]!.name).toBe('callJournal');
    expect((mine[1]!.args[0] as JournalEntry[]).map((e) => e.kind)).toEqual(['step']);
    expect(await rowsOf(callSid)).toBe(0);
  });

  it('logs a status that comes after its call workflow closed, once, as the workflow would', async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    const input = testCallInput(callSid);
    await createCallActivities({ db }).writeCallLog({
      callSid,
      call: {
        callSid,
        accountSid: input.accountSid,
        direction: 'inbound',
        from: input.from,
        to: input.to,
        status: 'in-progress',
        startedAt: '2026-11-23T12:00:00.000Z',
      },
      events: [],
      consents: [],
    });
    const closed = new FakeTemporal();
    closed.onSignal = () => Promise.reject(new WorkflowNotFoundError('closed', workflowId, ''));
    for (let delivery = 0; delivery < 2; delivery++) {
      await parkStatus(callSid, 1, { durationSeconds: 42 });
      await relayAll(closed);
    }
    expect(await rowsOf(callSid)).toBe(0);
    const events = await db.query(
      'SELECT kind, call_status, detail FROM call_events WHERE call_sid = $1',
      [callSid],
    );
    expect(events.rows).toEqual([
      { kind: 'status', call_status: 'completed', detail: { durationSeconds: 42 } },
    ]);
    const call = await db.query('SELECT status FROM calls WHERE call_sid = $1', [callSid]);
    expect(call.rows).toEqual([{ status: 'completed' }]);
  });

  it('drops a late status for a call that was never logged', async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    await parkStatus(callSid, 1);
    const closed = new FakeTemporal();
    closed.onSignal = () => Promise.reject(new WorkflowNotFoundError('gone', workflowId, ''));
    await relayAll(closed);
    expect(await rowsOf(callSid)).toBe(0);
  });

  it('starts with a signal when the first rows of a call are status callbacks', async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    await parkStatus(callSid, 0, { startInput: testCallInput(callSid) });
    const temporal = new FakeTemporal();
    await relayAll(temporal);
    const mine = callsFor(temporal, workflowId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ method: 'signalWithStart', name: 'callJournal' });
    expect((mine[0]!.startArgs![0] as CallInput).ivr).toEqual(ivr);
  });

  it('keeps rows Temporal did not take, counts the attempt, and delivers them later', async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    await parkStatus(callSid, 1);
    const down = new FakeTemporal();
    down.onSignal = () => Promise.reject(new FakeServiceError(UNAVAILABLE, 'unavailable'));
    const kept = async () =>
      (
        await db.query<{ attempts: number; wait: number; last_error: string }>(
          `SELECT attempts, extract(epoch FROM leased_until - now())::float AS wait, last_error
             FROM signal_outbox WHERE workflow_id = $1`,
          [workflowId],
        )
      ).rows;
    // Each refusal doubles the wait before the next try (0.5 s, then 1 s).
    await relayParkedSignals(relayWith(down));
    expect(await kept()).toEqual([
      { attempts: 1, wait: expect.closeTo(0.5, 1) as number, last_error: 'unavailable' },
    ]);
    await relayParkedSignals(relayWith(down));
    expect(down.calls).toHaveLength(1);
    await db.query('UPDATE signal_outbox SET leased_until = now() WHERE workflow_id = $1', [
      workflowId,
    ]);
    await relayParkedSignals(relayWith(down));
    expect(await kept()).toEqual([
      { attempts: 2, wait: expect.closeTo(1, 1) as number, last_error: 'unavailable' },
    ]);

    await db.query('UPDATE signal_outbox SET leased_until = now() WHERE workflow_id = $1', [
      workflowId,
    ]);
    const up = new FakeTemporal();
    await relayAll(up);
    expect(callsFor(up, workflowId).map((c) => c.method)).toEqual(['signal']);
    expect(await rowsOf(callSid)).toBe(0);
  });

  it("holds a call's rows for the batch window, and sends them at once with its final status", async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    await parkInbound(callSid);
    const temporal = new FakeTemporal();
    await relayParkedSignals(relayWith(temporal, 60_000));
    expect(callsFor(temporal, workflowId)).toEqual([]);
    expect(await rowsOf(callSid)).toBe(1);

    await parkStatus(callSid, 1);
    await relayParkedSignals(relayWith(temporal, 60_000));
    const mine = callsFor(temporal, workflowId);
    expect(mine.map((c) => entriesOf(c).map((e) => e.kind))).toEqual([['step', 'status']]);
    expect(await rowsOf(callSid)).toBe(0);
  });

  it('still reads rows written with the whole CallInput', async () => {
    const callSid = randomCallSid();
    const workflowId = `call-${callSid}`;
    await db.query(
      `INSERT INTO signal_outbox (event_key, workflow_id, signal_name, payload, start_input)
       VALUES ($1, $2, 'callStatus', $3, $4)`,
      [
        status(callSid, 0).eventKey,
        workflowId,
        JSON.stringify(status(callSid, 0)),
        JSON.stringify(testCallInput(callSid)),
      ],
    );
    const temporal = new FakeTemporal();
    await relayAll(temporal);
    const mine = callsFor(temporal, workflowId);
    expect((mine[0]!.startArgs![0] as CallInput).ivr).toEqual(ivr);
    expect((mine[0]!.args[0] as JournalEntry[])[0]).toEqual({
      kind: 'status',
      event: status(callSid, 0),
    });
  });
});
