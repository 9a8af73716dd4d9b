import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallActivities } from '../../activities/call/call-log';
import type { Db } from '../../src/db/pool';
import { keepCallStep } from '../../src/inbox/call-rows';
import { relayInbox } from '../../src/inbox/relay';
import type { CallInput, JournalEntry } from '../../workflows/call/definitions';
import { CALL_WORKFLOW_TYPE, callWorkflowId } from '../../workflows/shared/ids';
import { randomCallSid, testCallInput, testDb } from '../helpers/env';
import { FakeServiceError, FakeTemporal, UNAVAILABLE } from '../helpers/fake-temporal';
import {
  callsFor,
  dueNow,
  entriesOf,
  ivr,
  keepInbound,
  keepStatus,
  relayWith,
  rowsOf,
  status,
} from './helpers';

/** The callback inbox relay and the call deliverer, on the real test database and a Temporal fake. */
let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());

async function relayAll(temporal: FakeTemporal): Promise<void> {
  while ((await relayInbox(relayWith(db, temporal))) > 0);
}

describe('callback inbox relay, call family', () => {
  it('sends a call its rows as one signal, in order, and starts it with the stored IVR version', async () => {
    const callSid = randomCallSid();
    await keepInbound(db, callSid);
    await keepStatus(db, callSid, 0);
    const kept = await db.query<{ family: string; start_input: { ivr: object } }>(
      `SELECT family, start_input FROM callback_inbox
        WHERE workflow_id = $1 AND start_input IS NOT NULL`,
      [callWorkflowId(callSid)],
    );
    // The row keeps the IVR by reference, not the whole definition.
    expect(kept.rows[0]!.start_input.ivr).toEqual({ id: 'test-line', version: 1 });
    expect(kept.rows[0]!.family).toBe('call');

    const temporal = new FakeTemporal();
    await relayAll(temporal);
    const mine = callsFor(temporal, callSid);
    // The call's first step starts the workflow eagerly, its rows in the input.
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ method: 'start', eager: true });
    expect(entriesOf(mine[0]!).map((e) => e.kind)).toEqual(['step', 'status']);
    expect((mine[0]!.startArgs![0] as CallInput).ivr).toEqual(ivr);
    expect(await rowsOf(db, callSid)).toBe(0);
  });

  it('signals the rows of a call whose workflow a status callback had started', async () => {
    const callSid = randomCallSid();
    const workflowId = callWorkflowId(callSid);
    await keepInbound(db, callSid);
    const temporal = new FakeTemporal();
    temporal.onStart = () =>
      Promise.reject(
        new WorkflowExecutionAlreadyStartedError('exists', workflowId, CALL_WORKFLOW_TYPE),
      );
    await relayAll(temporal);
    const mine = callsFor(temporal, callSid);
    expect(mine.map((c) => c.method)).toEqual(['start', 'signal']);
    expect(mine[1]!.name).toBe('callJournal');
    expect((mine[1]!.args[0] as JournalEntry[]).map((e) => e.kind)).toEqual(['step']);
    expect(await rowsOf(db, callSid)).toBe(0);
  });

  it('logs a status that comes after its call workflow closed, once, as the workflow would', async () => {
    const callSid = randomCallSid();
    const workflowId = callWorkflowId(callSid);
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
      await keepStatus(db, callSid, 1, { durationSeconds: 42 });
      await relayAll(closed);
    }
    expect(await rowsOf(db, callSid)).toBe(0);
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
    await keepStatus(db, callSid, 1);
    const closed = new FakeTemporal();
    closed.onSignal = () =>
      Promise.reject(new WorkflowNotFoundError('gone', callWorkflowId(callSid), ''));
    await relayAll(closed);
    expect(await rowsOf(db, callSid)).toBe(0);
  });

  it('starts with a signal when the first rows of a call are status callbacks', async () => {
    const callSid = randomCallSid();
    await keepStatus(db, callSid, 0, { startInput: testCallInput(callSid) });
    const temporal = new FakeTemporal();
    await relayAll(temporal);
    const mine = callsFor(temporal, callSid);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ method: 'signalWithStart', name: 'callJournal' });
    expect((mine[0]!.startArgs![0] as CallInput).ivr).toEqual(ivr);
  });

  it('keeps rows Temporal did not take, counts the attempt, and delivers them later', async () => {
    const callSid = randomCallSid();
    await keepStatus(db, callSid, 1);
    const down = new FakeTemporal();
    down.onSignal = () => Promise.reject(new FakeServiceError(UNAVAILABLE, 'unavailable'));
    const kept = async () =>
      (
        await db.query<{ attempts: number; wait: number; last_error: string }>(
          `SELECT attempts, extract(epoch FROM leased_until - now())::float AS wait, last_error
             FROM callback_inbox WHERE workflow_id = $1`,
          [callWorkflowId(callSid)],
        )
      ).rows;
    // Each refusal doubles the wait before the next try (0.5 s, then 1 s).
    await relayInbox(relayWith(db, down));
    expect(await kept()).toEqual([
      { attempts: 1, wait: expect.closeTo(0.5, 1) as number, last_error: 'unavailable' },
    ]);
    await relayInbox(relayWith(db, down));
    expect(down.calls).toHaveLength(1);
    await dueNow(db, callSid);
    await relayInbox(relayWith(db, down));
    expect(await kept()).toEqual([
      { attempts: 2, wait: expect.closeTo(1, 1) as number, last_error: 'unavailable' },
    ]);

    await dueNow(db, callSid);
    const up = new FakeTemporal();
    await relayAll(up);
    expect(callsFor(up, callSid).map((c) => c.method)).toEqual(['signal']);
    expect(await rowsOf(db, callSid)).toBe(0);
  });

  it("holds a call's rows for the batch window, and sends them at once with its final status", async () => {
    const callSid = randomCallSid();
    await keepInbound(db, callSid);
    const temporal = new FakeTemporal();
    await relayInbox(relayWith(db, temporal, { windowMs: 60_000 }));
    expect(callsFor(temporal, callSid)).toEqual([]);
    expect(await rowsOf(db, callSid)).toBe(1);

    await keepStatus(db, callSid, 1);
    const urgent = await db.query<{ kind: string; urgent: boolean }>(
      'SELECT kind, urgent FROM callback_inbox WHERE workflow_id = $1 ORDER BY id',
      [callWorkflowId(callSid)],
    );
    // The writer marks the final status; the relay knows nothing of call statuses.
    expect(urgent.rows).toEqual([
      { kind: 'step', urgent: false },
      { kind: 'status', urgent: true },
    ]);
    await relayInbox(relayWith(db, temporal, { windowMs: 60_000 }));
    const mine = callsFor(temporal, callSid);
    expect(mine.map((c) => entriesOf(c).map((e) => e.kind))).toEqual([['step', 'status']]);
    expect(await rowsOf(db, callSid)).toBe(0);
  });

  it('answers a retried callback from the row kept first', async () => {
    const callSid = randomCallSid();
    await keepInbound(db, callSid);
    const retried = await keepCallStep(db, {
      step: { key: 'in', request: { kind: 'inbound' }, decidedAt: '2026-11-23T12:00:09.000Z' },
      startInput: testCallInput(callSid),
    });
    expect(retried.decidedAt).toBe('2026-11-23T12:00:00.000Z');
    expect(await rowsOf(db, callSid)).toBe(1);
    await relayAll(new FakeTemporal());
  });

  it('still reads rows written with the whole CallInput', async () => {
    const callSid = randomCallSid();
    await db.query(
      `INSERT INTO callback_inbox (event_key, workflow_id, kind, payload, start_input)
       VALUES ($1, $2, 'status', $3, $4)`,
      [
        status(callSid, 0).eventKey,
        callWorkflowId(callSid),
        JSON.stringify(status(callSid, 0)),
        JSON.stringify(testCallInput(callSid)),
      ],
    );
    const temporal = new FakeTemporal();
    await relayAll(temporal);
    const mine = callsFor(temporal, callSid);
    expect((mine[0]!.startArgs![0] as CallInput).ivr).toEqual(ivr);
    expect((mine[0]!.args[0] as JournalEntry[])[0]).toEqual({
      kind: 'status',
      event: status(callSid, 0),
    });
  });
});
