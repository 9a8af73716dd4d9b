import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { callWorkflow } from '../../workflows/call/workflow';
import {
  callJournalSignal,
  type CallInput,
  type CallStatusEvent,
  type CallStep,
  type JournalEntry,
} from '../../workflows/call/definitions';
import type { IvrDefinition } from '../../workflows/ivr/types';
import type { Db } from '../db/pool';
import { callStartOptions } from '../temporal/call-start';
import { createCallActivities } from '../../activities/call/call-log';
import { statusLogEvent } from '../../workflows/call/log-events';

/** A row of the outbox: a status callback, or a webhook step answered in journal mode. */
export type OutboxEntry = {
  eventKey: string;
  workflowId: string;
  /** When present, delivery starts the call workflow if it does not exist yet. */
  startInput?: CallInput;
} & ({ kind: 'status'; payload: CallStatusEvent } | { kind: 'step'; payload: CallStep });

/**
 * How a row keeps what starts its call: the IVR by id and version, not the whole definition
 * (every row of a call would repeat it). Rows written before this carry the full CallInput.
 */
type StoredStart = Omit<CallInput, 'ivr'> & { ivr: { id: string; version: number } };

/** Finds an IVR version for the relay: `IvrRegistry.version` bound to its database. */
export type IvrLookup = (id: string, version: number) => Promise<IvrDefinition | undefined>;

const stored = (input: CallInput): StoredStart => ({
  ...input,
  ivr: { id: input.ivr.id, version: input.ivr.version },
});

async function hydrate(start: StoredStart | CallInput, ivrs: IvrLookup): Promise<CallInput> {
  if ('nodes' in start.ivr) return start as CallInput;
  const ivr = await ivrs(start.ivr.id, start.ivr.version);
  if (!ivr) throw new Error(`IVR ${start.ivr.id} v${start.ivr.version} is not stored`);
  return { ...start, ivr };
}

export interface RelayLog {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * Writes an entry to the outbox and returns the payload stored under its event key: the new one,
 * or for a retried request the one written first, so a retry is answered exactly as the first.
 */
export async function parkSignal<E extends OutboxEntry>(db: Db, entry: E): Promise<E['payload']> {
  const { rows } = await db.query<{ payload: E['payload'] }>(
    `INSERT INTO signal_outbox (event_key, workflow_id, signal_name, payload, start_input)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_key) DO UPDATE SET event_key = EXCLUDED.event_key
     RETURNING payload`,
    [
      entry.eventKey,
      entry.workflowId,
      entry.kind,
      JSON.stringify(entry.payload),
      entry.startInput ? JSON.stringify(stored(entry.startInput)) : null,
    ],
  );
  return rows[0]?.payload ?? entry.payload;
}

/** Longer than any one delivery round takes; a lease that outlives its relay expires. */
const LEASE_SECONDS = 60;

const callIsOver = (err: unknown): boolean =>
  err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError;

interface Row {
  id: string;
  attempts: number;
  workflow_id: string;
  signal_name: string;
  payload: unknown;
  start_input: StoredStart | CallInput | null;
}

const entryOf = (row: Row): JournalEntry =>
  row.signal_name === 'step'
    ? { kind: 'step', step: row.payload as CallStep }
    : { kind: 'status', event: row.payload as CallStatusEvent };

const startsCall = (entry: JournalEntry): boolean =>
  entry.kind === 'step' && entry.step.request.kind === 'inbound';

/** One signal carries everything waiting for a call: a workflow task per call, not per row. */
async function deliverCall(relay: Relay, workflowId: string, rows: Row[]): Promise<void> {
  const { temporal, taskQueue, ivrs } = relay;
  const entries = rows.map(entryOf);
  const start = rows.find((r) => r.start_input)?.start_input;
  if (!start) {
    await temporal.workflow.getHandle(workflowId).signal(callJournalSignal, entries);
    return;
  }
  const input = await hydrate(start, ivrs);
  if (entries.some(startsCall)) {
    // The call's first step: start the workflow with its entries as input. A workflow that exists
    // already (an earlier round, or a status callback that came first) gets them as a signal.
    try {
      await temporal.workflow.start('callWorkflow', {
        ...callStartOptions({ ...input, journal: entries }, taskQueue),
        requestEagerStart: relay.eagerStart ?? false,
      });
      return;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await temporal.workflow.getHandle(workflowId).signal(callJournalSignal, entries);
    return;
  }
  await temporal.workflow.signalWithStart<typeof callWorkflow, [JournalEntry[]]>('callWorkflow', {
    ...callStartOptions(input, taskQueue),
    signal: callJournalSignal,
    signalArgs: [entries],
  });
}

/**
 * A call's workflow closes once its IVR has ended and Twilio's final status is in; callbacks that
 * come later (reordered, retried) go straight into the call log, as the workflow would have
 * written them. A step for a closed call is a retry of one it already took, and is dropped.
 */
async function logAfterClose(
  db: Db,
  log: RelayLog,
  workflowId: string,
  rows: Row[],
): Promise<void> {
  const statuses = rows
    .map(entryOf)
    .flatMap((e) => (e.kind === 'status' ? [statusLogEvent(e.event)] : []));
  if (statuses.length < rows.length) {
    log.warn({ workflowId }, 'outbox steps for a call whose workflow has ended; dropped');
  }
  if (statuses.length === 0) return;
  const callSid = workflowId.replace(/^call-/, '');
  const { rowCount } = await db.query('SELECT 1 FROM calls WHERE call_sid = $1', [callSid]);
  if (!rowCount) {
    log.warn({ workflowId }, 'outbox status for a call that was never logged; dropped');
    return;
  }
  await createCallActivities({ db }).writeCallLog({ callSid, events: statuses, consents: [] });
}

/** What a relay needs, and how it batches. */
export interface Relay {
  db: Db;
  temporal: Client;
  taskQueue: string;
  ivrs: IvrLookup;
  log: RelayLog;
  /**
   * A call's rows wait up to this long (from its oldest row) to go out together in one signal; a
   * final status, or a row that failed before, sends them at once. Each signal is a workflow task,
   * so a short IVR call costs one instead of one per webhook.
   */
  windowMs?: number;
  /** Rows per round. */
  batch?: number;
  /** A refused row's first wait before it is tried again; each further refusal doubles it. */
  retryBaseMs?: number;
  /** The longest a refused row waits between tries. */
  retryMaxMs?: number;
  /**
   * Ask for eager workflow start: the server hands a new call's first workflow task straight back
   * to this process's worker, sparing a round through the task queue. Needs `temporal` to be built
   * on the worker's `NativeConnection`.
   */
  eagerStart?: boolean;
}

const FINAL_STATUSES = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

/**
 * Delivers the outbox: status callbacks parked while Temporal was away, and journaled webhook
 * steps. Rows are leased so several relays can run at once, grouped by call and kept in arrival
 * order, and deleted only once Temporal took them (or the call's workflow is gone): delivery is at
 * least once, and the workflow's dedupe by event key makes it exactly once.
 */
export async function relayParkedSignals(relay: Relay): Promise<number> {
  const { db, log, windowMs = 0, batch = 500, retryBaseMs = 500, retryMaxMs = 10_000 } = relay;
  // A short statement claims rows: no lock is held while Temporal is being called. A relay that
  // dies mid-delivery leaves leases that expire, and its rows are delivered again (at least once).
  const { rows } = await db.query<Row>(
    `UPDATE signal_outbox SET leased_until = now() + make_interval(secs => $2)
      WHERE id IN (
        SELECT id FROM signal_outbox
         WHERE (leased_until IS NULL OR leased_until < now())
           AND workflow_id IN (
             SELECT workflow_id FROM signal_outbox
              GROUP BY workflow_id
             HAVING min(created_at) <= now() - make_interval(secs => $3)
                 OR bool_or(attempts > 0)
                 OR bool_or(signal_name IN ('status', 'callStatus')
                            AND payload->>'callStatus' = ANY($4::text[])))
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, attempts, workflow_id, signal_name, payload, start_input`,
    [batch, LEASE_SECONDS, windowMs / 1000, FINAL_STATUSES],
  );
  rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const byCall = new Map<string, Row[]>();
  for (const row of rows)
    byCall.set(row.workflow_id, [...(byCall.get(row.workflow_id) ?? []), row]);
  const done: string[] = [];
  const failed: { ids: string[]; error: string }[] = [];
  await Promise.all(
    [...byCall].map(async ([workflowId, callRows]) => {
      try {
        await deliverCall(relay, workflowId, callRows);
      } catch (err) {
        if (!callIsOver(err)) {
          const attempts = Math.max(...callRows.map((r) => r.attempts)) + 1;
          log.warn({ workflowId, attempts, err: (err as Error).message }, 'outbox rows not taken');
          failed.push({ ids: callRows.map((r) => r.id), error: (err as Error).message });
          return;
        }
        try {
          await logAfterClose(db, log, workflowId, callRows);
        } catch (logErr) {
          failed.push({ ids: callRows.map((r) => r.id), error: (logErr as Error).message });
          return;
        }
      }
      done.push(...callRows.map((r) => r.id));
    }),
  );
  if (done.length > 0) await db.query('DELETE FROM signal_outbox WHERE id = ANY($1)', [done]);
  // A row Temporal refused waits before its next try, twice as long each time up to a cap: an
  // outage is not hammered, and rows it keeps refusing never crowd fresh ones out of a round.
  for (const f of failed) {
    await db.query(
      `UPDATE signal_outbox
          SET attempts = attempts + 1, last_error = $2,
              leased_until = now() + make_interval(secs => least($3 * power(2, attempts), $4))
        WHERE id = ANY($1)`,
      [f.ids, f.error.slice(0, 500), retryBaseMs / 1000, retryMaxMs / 1000],
    );
  }
  return done.length;
}

/** Runs the relay every `intervalMs` until stopped; a full batch goes round again at once. */
export function startSignalRelay(relay: Relay, intervalMs = 250): () => Promise<void> {
  const batch = relay.batch ?? 500;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    if (stopped) return;
    let again = false;
    current = relayParkedSignals({ ...relay, batch })
      .then((n) => {
        again = n >= batch;
        if (n > 0) relay.log.debug({ delivered: n }, 'relayed outbox rows');
      })
      .catch((err: Error) => relay.log.debug({ err: err.message }, 'outbox relay round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, again ? 0 : intervalMs);
      });
  };
  let timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}
