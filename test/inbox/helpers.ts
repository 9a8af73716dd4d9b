import type { Db } from '../../src/db/pool';
import { createCallDeliverer } from '../../src/inbox/call-deliverer';
import { keepCallStatus, keepCallStep } from '../../src/inbox/call-rows';
import type { Relay } from '../../src/inbox/relay';
import type { CallInput, CallStatusEvent, JournalEntry } from '../../workflows/call/definitions';
import { callWorkflowId } from '../../workflows/shared/ids';
import { loadIvr, quietLogger, testCallInput } from '../helpers/env';
import type { FakeTemporal, TemporalCall } from '../helpers/fake-temporal';

export const ivr = loadIvr('test-line');
const lookup = (id: string, version: number) =>
  Promise.resolve(id === ivr.id && version === ivr.version ? ivr : undefined);

export const status = (callSid: string, seq: number): CallStatusEvent => ({
  eventKey: `${callSid}:status:${seq}`,
  callStatus: seq === 0 ? 'in-progress' : 'completed',
  sequenceNumber: seq,
  timestamp: '2026-11-23T12:00:00.000Z',
});

/** How many inbox rows a call has, dead or alive. */
export async function rowsOf(db: Db, callSid: string): Promise<number> {
  const { rowCount } = await db.query('SELECT 1 FROM callback_inbox WHERE workflow_id = $1', [
    callWorkflowId(callSid),
  ]);
  return rowCount ?? 0;
}

/** A relay with the call family's deliverer over a recording Temporal fake. */
export const relayWith = (
  db: Db,
  temporal: FakeTemporal,
  extra: Partial<Omit<Relay, 'db' | 'deliverers'>> = {},
): Relay => ({
  db,
  deliverers: [
    createCallDeliverer({
      db,
      temporal: temporal.asClient(),
      taskQueue: 'q',
      ivrs: lookup,
      log: quietLogger,
      eagerStart: true,
    }),
  ],
  log: quietLogger,
  windowMs: 0,
  ...extra,
});

/** A status callback of a journaled call, as the webhook server keeps it. */
export async function keepStatus(
  db: Db,
  callSid: string,
  seq: number,
  extra: { startInput?: CallInput; durationSeconds?: number } = {},
): Promise<void> {
  const { startInput, durationSeconds } = extra;
  await keepCallStatus(db, {
    callSid,
    event: { ...status(callSid, seq), ...(durationSeconds ? { durationSeconds } : {}) },
    ...(startInput ? { startInput } : {}),
  });
}

/** The inbound step of a journaled call, as the webhook server keeps it. */
export async function keepInbound(db: Db, callSid: string): Promise<void> {
  await keepCallStep(db, {
    step: { key: 'in', request: { kind: 'inbound' }, decidedAt: '2026-11-23T12:00:00.000Z' },
    startInput: testCallInput(callSid),
  });
}

/** What the relay asked of Temporal for one call. */
export const callsFor = (temporal: FakeTemporal, callSid: string): TemporalCall[] =>
  temporal.calls.filter((c) => c.workflowId === callWorkflowId(callSid));

/** The journal entries a relay call carried: in the start input, or as the signal's argument. */
export const entriesOf = (call: TemporalCall): JournalEntry[] =>
  call.method === 'start'
    ? ((call.startArgs![0] as CallInput).journal ?? [])
    : (call.args[0] as JournalEntry[]);

/** Makes a call's backed-off rows due now. */
export async function dueNow(db: Db, callSid: string): Promise<void> {
  await db.query('UPDATE callback_inbox SET leased_until = now() WHERE workflow_id = $1', [
    callWorkflowId(callSid),
  ]);
}
