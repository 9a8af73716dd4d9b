import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/pool';
import {
  callJournalSignal,
  callSnapshotQuery,
  callStatusSignal,
  callWebhookUpdate,
  type JournalEntry,
  type WebhookRequest,
} from '../../../workflows/call/definitions';
import { INVALID_WEBHOOK_REQUEST } from '../../../workflows/call/webhook-request';
import type { IvrState } from '../../../workflows/ivr/engine';
import { callWorkflowId } from '../../../workflows/shared/ids';
import type { callWorkflow } from '../../../workflows/call/workflow';
import { CallDriver } from '../../helpers/call-driver';
import { randomCallSid, testCallInput, testConfig } from '../../helpers/env';
import { startWorkerEnv, type WorkerEnv } from '../../helpers/worker-env';
import {
  consentRows,
  failedTasks,
  historyOf,
  type HistoryEvent,
  ivrEvents,
  localWrites,
  scheduledWrites,
  startUpdateCall,
  statusEvent,
  stepOf,
} from './revision-3-helpers';

let env: WorkerEnv;
let db: Db;
let taskQueue: string;

beforeAll(async () => {
  taskQueue = testConfig().TEMPORAL_TASK_QUEUE;
  env = await startWorkerEnv(taskQueue);
  db = env.db;
});

afterAll(() => env?.stop());

const at = (second: number): string =>
  new Date(Date.UTC(2026, 10, 23, 12, 0, second)).toISOString();

describe('revision 3: an update decision is written only once its workflow task is committed', () => {
  /** Inbound and one key press as updates, then Twilio's final status as a signal. */
  async function updateModeCall(revision: number) {
    const callSid = randomCallSid();
    const { handle, plan } = await startUpdateCall(env.client, taskQueue, callSid, { revision });
    const press = { kind: 'gather' as const, step: stepOf(plan), digits: '1' };
    await handle.executeUpdate(callWebhookUpdate, { args: [press], updateId: 'press-1' });
    await handle.signal(callStatusSignal, statusEvent(callSid, '3', 'completed', 3, at(3)));
    await handle.result();
    return { callSid, events: await historyOf(handle) };
  }

  /** Whether a workflow task started between two history events: the first one's task committed. */
  const taskBetween = (events: HistoryEvent[], from: number, to: number): boolean =>
    events.some(
      (e) =>
        e.workflowTaskStartedEventAttributes && Number(e.eventId) > from && Number(e.eventId) < to,
    );

  it('writes each update decision from a later task, as a local activity', async () => {
    const { callSid, events } = await updateModeCall(3);
    const accepted = events
      .filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
      .map((e) => Number(e.eventId));
    const markers = localWrites(events).map((e) => Number(e.eventId));
    expect(accepted).toHaveLength(2);
    // The press's task writes the inbound's decisions; the status's task writes the press's.
    expect(markers).toHaveLength(2);
    expect(taskBetween(events, accepted[0]!, markers[0]!)).toBe(true);
    expect(taskBetween(events, accepted[1]!, markers[1]!)).toBe(true);
    expect(scheduledWrites(events)).toHaveLength(0);
    expect(failedTasks(events)).toHaveLength(0);
    // Nothing is lost by waiting: every decision is in the call log.
    expect((await ivrEvents(db, callSid)).map((e) => e.kind)).toEqual([
      'ivr.entered',
      'ivr.entered',
      'ivr.entered',
      'ivr.selected',
      'ivr.entered',
    ]);
  });

  it('on revision 2 the same call wrote update decisions in the task that made them', async () => {
    // The defect revision 3 removes: these markers were recorded by tasks the server could discard.
    const { events } = await updateModeCall(2);
    const accepted = events
      .filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
      .map((e) => Number(e.eventId));
    const markers = localWrites(events).map((e) => Number(e.eventId));
    expect(markers).toHaveLength(3);
    expect(taskBetween(events, accepted[0]!, markers[0]!)).toBe(false);
  });

  it('schedules the write of a decision made as the call closes', async () => {
    // Twilio's final status first, then the Dial action that ends the IVR: no later task comes,
    // so that last decision goes as a scheduled activity, which runs only once its task commits.
    const callSid = randomCallSid();
    const { handle, plan } = await startUpdateCall(env.client, taskQueue, callSid);
    const press = { kind: 'gather' as const, step: stepOf(plan), digits: '1' };
    const sales = await handle.executeUpdate(callWebhookUpdate, { args: [press], updateId: 'p' });
    await handle.signal(callStatusSignal, statusEvent(callSid, '3', 'completed', 3, at(3), 9));
    const dial = {
      kind: 'dial' as const,
      step: stepOf(sales),
      status: 'completed',
      durationSeconds: 9,
    };
    await handle.executeUpdate(callWebhookUpdate, { args: [dial], updateId: 'd' });
    expect((await handle.result()).state.ended).toBe(true);
    const scheduled = scheduledWrites(await historyOf(handle));
    expect(scheduled.map((b) => b.events.map((e) => e.kind))).toEqual([['ivr.transfer-ended']]);
    expect((await ivrEvents(db, callSid)).map((e) => e.kind)).toContain('ivr.transfer-ended');
  });

  it('still writes a call started with its whole journal in one local activity', async () => {
    const callSid = randomCallSid();
    const decidedAt = at(0);
    const journal: JournalEntry[] = [
      { kind: 'step', step: { key: 'in', request: { kind: 'inbound' }, decidedAt } },
      {
        kind: 'step',
        step: {
          key: 'press',
          before: { node: 'main', attempts: 0, seq: 1, ended: false },
          request: { kind: 'gather', step: '1.main', digits: '1' },
          decidedAt,
        },
      },
      {
        kind: 'step',
        step: {
          key: 'dial',
          before: { node: 'sales', attempts: 0, seq: 2, ended: false },
          request: { kind: 'dial', step: '2.sales', status: 'completed', durationSeconds: 12 },
          decidedAt,
        },
      },
      { kind: 'status', event: statusEvent(callSid, '2', 'completed', 2, at(2)) },
    ];
    const handle = await env.client.workflow.start<typeof callWorkflow>('callWorkflow', {
      workflowId: callWorkflowId(callSid),
      taskQueue,
      args: [{ ...testCallInput(callSid), journal }],
    });
    expect((await handle.result()).state).toMatchObject({ node: 'sales', ended: true });
    const events = await historyOf(handle);
    expect(scheduledWrites(events)).toHaveLength(0);
    expect(localWrites(events)).toHaveLength(1);
  });
});

describe('revision 3: journaled steps from another state are refused', () => {
  it('keeps the state and the consent the caller really gave', async () => {
    const call = await CallDriver.answerJournaled(env.client, taskQueue, 'consent-line');
    await call.act({ kind: 'gather', digits: '1' });
    const real = (await call.handle.query(callSnapshotQuery)).state;
    expect(real).toMatchObject({ node: 'main', consent: 'granted', attempts: 0, ended: false });

    const forged = (key: string, before: IvrState, request: WebhookRequest): JournalEntry => ({
      kind: 'step',
      step: { key, before, request, decidedAt: at(10) },
    });
    const seq = real.seq;
    await call.handle.signal(callJournalSignal, [
      // Same seq, the consent node again: would log a declined consent and flip the recording.
      forged(
        'forged-consent',
        { node: 'consent', attempts: 0, seq, ended: false },
        { kind: 'gather', step: `${seq}.consent`, digits: '2' },
      ),
      // Same node and seq, but a declined consent: would take the caller to support, unrecorded.
      forged(
        'forged-declined',
        { ...real, consent: 'declined' },
        { kind: 'gather', step: `${seq}.main`, digits: '2' },
      ),
      // Same node and seq, another attempts count: would pick the operator.
      forged(
        'forged-attempts',
        { ...real, attempts: 1 },
        { kind: 'gather', step: `${seq}.main`, digits: '0' },
      ),
    ]);
    const after = await call.handle.query(callSnapshotQuery);
    expect(after.state).toEqual(real);

    // The call goes on from its own state, and the log holds only what the caller did.
    await call.act({ kind: 'gather', digits: '1' });
    expect((await call.handle.query(callSnapshotQuery)).state).toMatchObject({
      node: 'sales',
      consent: 'granted',
    });
    await call.hangUp();
    expect(await consentRows(db, call.callSid)).toEqual([{ granted: true, answered: true }]);
    const logged = await ivrEvents(db, call.callSid);
    expect(logged.filter((e) => e.kind === 'ivr.consent')).toHaveLength(1);
    expect(logged.filter((e) => e.kind === 'ivr.selected').map((e) => e.detail.option)).toEqual([
      'sales',
    ]);
    const audit = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE subject_type = 'call' AND subject_id = $1`,
      [call.callSid],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['recording-consent.granted']);
  });
});

describe('revision 3: status callbacks without SequenceNumber', () => {
  it('are ordered by Timestamp, and the call row ends with its duration', async () => {
    const callSid = randomCallSid();
    const { handle } = await startUpdateCall(env.client, taskQueue, callSid);
    const send = async (key: string, status: 'in-progress' | 'ringing', second: number) => {
      await handle.signal(callStatusSignal, statusEvent(callSid, key, status, -1, at(second)));
      return (await handle.query(callSnapshotQuery)).status;
    };
    expect(await send('a', 'in-progress', 10)).toBe('in-progress');
    // A late ringing callback, older by its Timestamp: it must not move the call back.
    expect(await send('b', 'ringing', 9)).toBe('in-progress');
    await handle.signal(callStatusSignal, statusEvent(callSid, 'c', 'completed', -1, at(15), 37));
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.eventsSeen).toBe(3);

    const { rows } = await db.query<{
      status: string;
      duration_seconds: number | null;
      ended_at: Date | null;
      status_sequence: number | null;
    }>(
      'SELECT status, duration_seconds, ended_at, status_sequence FROM calls WHERE call_sid = $1',
      [callSid],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'completed', duration_seconds: 37 });
    expect(rows[0]!.ended_at?.toISOString()).toBe(at(15));
  });
});

describe('revision 3: a malformed webhook request rejects the update', () => {
  it('fails the update with InvalidWebhookRequest, and the workflow goes on', async () => {
    const callSid = randomCallSid();
    const { handle, plan } = await startUpdateCall(env.client, taskQueue, callSid);
    const step = stepOf(plan);
    const malformed: unknown[] = [
      { kind: 'gather', step, digits: 5 },
      { kind: 'nope' },
      { kind: 'gather', step: '../main', digits: '1' },
      { kind: 'gather', step, digits: '1', extra: true },
      { kind: 'gather', step, digits: '1\u0000' },
      null,
    ];
    for (const [i, request] of malformed.entries()) {
      const failure: unknown = await handle
        .executeUpdate(callWebhookUpdate, {
          args: [request as WebhookRequest],
          updateId: `bad-${i}`,
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failure, JSON.stringify(request)).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (failure as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe(INVALID_WEBHOOK_REQUEST);
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    }
    expect((await handle.query(callSnapshotQuery)).state.node).toBe('main');

    const press = { kind: 'gather' as const, step, digits: '1' };
    const next = await handle.executeUpdate(callWebhookUpdate, { args: [press], updateId: 'ok' });
    expect(next.verbs.at(-1)).toMatchObject({ verb: 'dial' });
    await handle.signal(callStatusSignal, statusEvent(callSid, '1', 'completed', 1, at(1)));
    expect((await handle.result()).state.node).toBe('sales');

    const events = await historyOf(handle);
    expect(failedTasks(events)).toHaveLength(0);
    // Rejected in the validator: none of them reached history.
    const accepted = events
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter((id) => id);
    expect(accepted.sort()).toEqual(['inbound', 'ok']);
  });
});
