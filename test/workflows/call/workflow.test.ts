import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config';
import type { Db } from '../../../src/db/pool';
import {
  callJournalSignal,
  callSnapshotQuery,
  callStatusSignal,
  callWebhookUpdate,
  type JournalEntry,
} from '../../../workflows/call/definitions';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { type CallStatus } from '../../../workflows/shared/call-status';
import type { callWorkflow } from '../../../workflows/call/workflow';
import { CallStatusKey, IvrNodeKey } from '../../../workflows/shared/search-attributes';
import { randomCallSid, testCallInput, testConfig } from '../../helpers/env';
import { CallDriver, scenarios } from '../../helpers/call-driver';
import { startWorkerEnv, type WorkerEnv } from '../../helpers/worker-env';

let config: Config;
let env: WorkerEnv;
let db: Db;
let client: Client;

beforeAll(async () => {
  config = testConfig();
  env = await startWorkerEnv(config.TEMPORAL_TASK_QUEUE);
  ({ db, client } = env);
});

afterAll(() => env?.stop());

function startCall(callSid: string) {
  return new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
    workflowId: callWorkflowId(callSid),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [testCallInput(callSid)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

function status(callSid: string, seq: number, callStatus: CallStatus) {
  return {
    eventKey: `${callSid}:status:${seq}`,
    callStatus,
    sequenceNumber: seq,
    timestamp: new Date(Date.UTC(2026, 10, 23, 12, 0, seq)).toISOString(),
  };
}

describe('call workflow round trip against the dev server', () => {
  it('answers the first webhook with the menu and advances on a key press', async () => {
    const callSid = randomCallSid();
    const first = await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'first',
      startWorkflowOperation: startCall(callSid),
    });
    const gather = first.verbs.find((v) => v.verb === 'gather');
    expect(gather).toMatchObject({ verb: 'gather', input: ['dtmf', 'speech'] });
    expect(first.verbs[0]).toMatchObject({
      verb: 'say',
      text: expect.stringContaining('Thanks for calling'),
    });

    const handle = client.workflow.getHandle(callWorkflowId(callSid));
    const step = gather && 'action' in gather ? gather.action.step : '';
    const press = { kind: 'gather' as const, step, digits: '1' };
    const second = await handle.executeUpdate(callWebhookUpdate, {
      args: [press],
      updateId: 'press-1',
    });
    expect(second.verbs.at(-1)).toMatchObject({
      verb: 'dial',
      target: { kind: 'number', to: '+15005550101' },
    });

    // The same request again (a Twilio retry) returns the same TwiML and does not advance.
    const retried = await handle.executeUpdate(callWebhookUpdate, {
      args: [press],
      updateId: 'press-1',
    });
    expect(retried).toEqual(second);
    const stale = await handle.executeUpdate(callWebhookUpdate, {
      args: [press],
      updateId: 'press-1-again',
    });
    expect(stale).toEqual(second);
    expect((await handle.query(callSnapshotQuery)).state.node).toBe('sales');
  });

  it('orders duplicated and shuffled status callbacks and logs each event once', async () => {
    const callSid = randomCallSid();
    await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'first',
      startWorkflowOperation: startCall(callSid),
    });
    const handle = client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid));
    const events = [
      status(callSid, 2, 'completed'),
      status(callSid, 0, 'ringing'),
      status(callSid, 1, 'in-progress'),
    ];
    for (const e of [...events, events[1]!, events[0]!]) await handle.signal(callStatusSignal, e);

    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.statusSequence).toBe(2);

    const { rows } = await db.query<{ event_key: string }>(
      `SELECT event_key FROM call_events WHERE call_sid = $1 AND kind = 'status' ORDER BY event_key`,
      [callSid],
    );
    expect(rows.map((r) => r.event_key)).toEqual(events.map((e) => e.eventKey).sort());
    const call = await db.query<{ status: string; status_sequence: number }>(
      'SELECT status, status_sequence FROM calls WHERE call_sid = $1',
      [callSid],
    );
    expect(call.rows[0]).toEqual({ status: 'completed', status_sequence: 2 });
  });

  it('makes the call findable by CallSid in visibility', async () => {
    const callSid = randomCallSid();
    await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'first',
      startWorkflowOperation: new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
        ...startCall(callSid).options,
        typedSearchAttributes: [],
        searchAttributes: { CallSid: [callSid] },
      }),
    });
    let found: string[] = [];
    for (let i = 0; i < 40 && found.length === 0; i++) {
      found = [];
      for await (const wf of client.workflow.list({ query: `CallSid = '${callSid}'` })) {
        found.push(wf.workflowId);
      }
      if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toEqual([callWorkflowId(callSid)]);
    const described = await client.workflow.getHandle(callWorkflowId(callSid)).describe();
    expect(described.searchAttributes.IvrNode).toEqual(['main']);
  });
});

describe('journaled steps (WEBHOOK_MODE=journal)', () => {
  it('reaches the state the caller heard however the steps arrive, each applied once', async () => {
    const callSid = randomCallSid();
    const at = '2026-11-23T15:00:00.000Z';
    const main = { node: 'main', attempts: 0, seq: 1, ended: false };
    const sales = { node: 'sales', attempts: 0, seq: 2, ended: false };
    const inbound: JournalEntry = {
      kind: 'step',
      step: { key: 'in', request: { kind: 'inbound' }, decidedAt: at },
    };
    const press: JournalEntry = {
      kind: 'step',
      step: {
        key: 'press',
        before: main,
        request: { kind: 'gather', step: '1.main', digits: '1' },
        decidedAt: at,
      },
    };
    const dialed: JournalEntry = {
      kind: 'step',
      step: {
        key: 'dial',
        before: sales,
        request: { kind: 'dial', step: '2.sales', status: 'completed', durationSeconds: 12 },
        decidedAt: at,
      },
    };
    const answered: JournalEntry = { kind: 'status', event: status(callSid, 1, 'in-progress') };
    const completed: JournalEntry = { kind: 'status', event: status(callSid, 2, 'completed') };

    // The press overtakes the inbound step it follows; everything after is delivered twice.
    await client.workflow.signalWithStart<typeof callWorkflow, [JournalEntry[]]>('callWorkflow', {
      ...startCall(callSid).options,
      signal: callJournalSignal,
      signalArgs: [[press, answered]],
    });
    const handle = client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid));
    await handle.signal(callJournalSignal, [dialed, inbound]);
    await handle.signal(callJournalSignal, [press, inbound, dialed, completed]);

    const result = await handle.result();
    expect(result.state).toMatchObject({ node: 'sales', seq: 2, ended: true });
    expect(result.status).toBe('completed');
    const { rows } = await db.query<{ kind: string; occurred_at: Date }>(
      `SELECT kind, occurred_at FROM call_events WHERE call_sid = $1 AND kind LIKE 'ivr.%' ORDER BY id`,
      [callSid],
    );
    expect(rows.map((r) => r.kind)).toEqual([
      'ivr.entered',
      'ivr.entered',
      'ivr.entered',
      'ivr.selected',
      'ivr.entered',
      'ivr.transfer-ended',
    ]);
    // Effects carry the instant the server decided, not when the workflow caught up.
    expect(rows.every((r) => r.occurred_at.toISOString() === at)).toBe(true);
  });

  it('records a call started with its journal in one write, one upsert, and closes without a timer', async () => {
    const callSid = randomCallSid();
    const at = '2026-11-23T15:00:00.000Z';
    const journal: JournalEntry[] = [
      { kind: 'step', step: { key: 'in', request: { kind: 'inbound' }, decidedAt: at } },
      { kind: 'status', event: status(callSid, 1, 'in-progress') },
      {
        kind: 'step',
        step: {
          key: 'press',
          before: { node: 'main', attempts: 0, seq: 1, ended: false },
          request: { kind: 'gather', step: '1.main', digits: '1' },
          decidedAt: at,
        },
      },
      {
        kind: 'step',
        step: {
          key: 'dial',
          before: { node: 'sales', attempts: 0, seq: 2, ended: false },
          request: { kind: 'dial', step: '2.sales', status: 'completed', durationSeconds: 12 },
          decidedAt: at,
        },
      },
      { kind: 'status', event: status(callSid, 2, 'completed') },
    ];
    const handle = await client.workflow.start('callWorkflow', {
      ...startCall(callSid).options,
      args: [{ ...testCallInput(callSid), journal }],
    });
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'completed',
      state: { node: 'sales', seq: 2, ended: true },
    });

    const events = (await handle.fetchHistory()).events ?? [];
    const upserts = events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes);
    const writes = events.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(upserts).toHaveLength(1);
    expect(writes).toHaveLength(1);
    // The IVR had ended when the final status came: nothing is left to wait for, and the whole
    // call is one workflow task (started, scheduled, started, completed, upsert, write, closed).
    expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(0);
    expect(events.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
    expect(events).toHaveLength(7);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(IvrNodeKey)).toBe('sales');
    expect(described.typedSearchAttributes.get(CallStatusKey)).toBe('completed');
    const call = await db.query('SELECT status, ivr_node FROM calls WHERE call_sid = $1', [
      callSid,
    ]);
    expect(call.rows).toEqual([{ status: 'completed', ivr_node: 'sales' }]);
    const logged = await db.query<{ kind: string }>(
      'SELECT kind FROM call_events WHERE call_sid = $1 ORDER BY id',
      [callSid],
    );
    // The call row and every event of the journal, in the order they happened.
    expect(logged.rows.map((r) => r.kind)).toEqual([
      'ivr.entered',
      'ivr.entered',
      'ivr.entered',
      'status',
      'ivr.selected',
      'ivr.entered',
      'ivr.transfer-ended',
      'status',
    ]);
  });

  it('closes as soon as its IVR ends when the final status came first', async () => {
    const callSid = randomCallSid();
    const at = '2026-11-23T15:00:00.000Z';
    const step = (key: string, before: object, request: object): JournalEntry =>
      ({ kind: 'step', step: { key, before, request, decidedAt: at } }) as JournalEntry;
    // A long linger: a workflow that waited it out would fail the test on time.
    const handle = await client.workflow.start('callWorkflow', {
      ...startCall(callSid).options,
      args: [
        {
          ...testCallInput(callSid),
          lingerSeconds: 600,
          journal: [
            { kind: 'step', step: { key: 'in', request: { kind: 'inbound' }, decidedAt: at } },
            step(
              'press',
              { node: 'main', attempts: 0, seq: 1, ended: false },
              { kind: 'gather', step: '1.main', digits: '1' },
            ),
            step(
              'dial',
              { node: 'sales', attempts: 0, seq: 2, ended: false },
              { kind: 'dial', step: '2.sales', status: 'no-answer' },
            ),
            // The caller hangs up while recording: Twilio's final status comes first.
            { kind: 'status', event: status(callSid, 1, 'completed') },
          ],
        },
      ],
    });
    expect((await handle.query(callSnapshotQuery)).state).toMatchObject({
      node: 'voicemail',
      ended: false,
    });
    await handle.signal(callJournalSignal, [
      step(
        'record',
        { node: 'voicemail', attempts: 0, seq: 3, ended: false },
        { kind: 'record', step: '3.voicemail', recordingSid: 'RE' + '1'.repeat(32) },
      ),
    ]);
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'completed',
      state: { node: 'voicemail', ended: true },
    });
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.timerFiredEventAttributes)).toHaveLength(0);
  });

  it('keeps one call-limit timer however often the call wakes', async () => {
    const callSid = randomCallSid();
    const at = '2026-11-23T15:00:00.000Z';
    await client.workflow.signalWithStart<typeof callWorkflow, [JournalEntry[]]>('callWorkflow', {
      ...startCall(callSid).options,
      signal: callJournalSignal,
      signalArgs: [
        [{ kind: 'step', step: { key: 'in', request: { kind: 'inbound' }, decidedAt: at } }],
      ],
    });
    const handle = client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid));
    for (const [seq, callStatus] of [
      [1, 'ringing'],
      [2, 'in-progress'],
      [3, 'completed'],
    ] as const) {
      await handle.signal(callStatusSignal, status(callSid, seq, callStatus));
      // Let each wake be its own workflow task.
      await handle.query(callSnapshotQuery);
    }
    await handle.result();
    const events = (await handle.fetchHistory()).events ?? [];
    const started = events.filter((e) => e.timerStartedEventAttributes).length;
    expect(events.filter((e) => e.timerCanceledEventAttributes)).toHaveLength(0);
    // The call limit, and the linger after the final status.
    expect(started).toBe(2);
  });
});

describe('recording consent', () => {
  it('stores a declined answer with CallSid and time, and audits it', async () => {
    const call = await scenarios['consent-declined-sales']!(client, config.TEMPORAL_TASK_QUEUE);
    const { rows } = await db.query<{ granted: boolean; answered: boolean; at: Date }>(
      'SELECT granted, answered, at FROM consent_events WHERE call_sid = $1',
      [call.callSid],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ granted: false, answered: true });
    expect(rows[0]!.at).toBeInstanceOf(Date);
    const audit = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE subject_type = 'call' AND subject_id = $1`,
      [call.callSid],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['recording-consent.declined']);
  });

  it('records the transfer when the caller agrees', async () => {
    const call = await CallDriver.answer(client, config.TEMPORAL_TASK_QUEUE, 'consent-line');
    await call.act({ kind: 'gather', speech: 'yes' });
    const plan = await call.act({ kind: 'gather', digits: '1' });
    expect(plan.verbs.at(-1)).toMatchObject({ verb: 'dial', record: 'record-from-answer' });
  });
});
