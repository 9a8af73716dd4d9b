import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyBaseLogger } from 'fastify';
import {
  callStatusSignal,
  type CallInput,
  type CallStatusEvent,
} from '../../workflows/definitions';
import type { Db } from '../db/pool';
import { callStartOptions } from './call-start';

export interface OutboxEntry {
  eventKey: string;
  workflowId: string;
  signalName: string;
  payload: unknown;
  /** When present, the signal starts the call workflow if it does not exist yet. */
  startInput?: CallInput;
}

/** Delivers a status event to its call, starting the workflow when the callback came first. */
export async function signalCall(
  temporal: Client,
  taskQueue: string,
  workflowId: string,
  event: CallStatusEvent,
  startInput: CallInput | undefined,
): Promise<void> {
  if (!startInput) {
    await temporal.workflow.getHandle(workflowId).signal(callStatusSignal, event);
    return;
  }
  await temporal.workflow.signalWithStart('callWorkflow', {
    ...callStartOptions(startInput, taskQueue),
    signal: callStatusSignal,
    signalArgs: [event],
  });
}

/** Parks a signal that Temporal could not take; the same event key is parked once. */
export async function parkSignal(db: Db, entry: OutboxEntry): Promise<void> {
  await db.query(
    `INSERT INTO signal_outbox (event_key, workflow_id, signal_name, payload, start_input)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_key) DO NOTHING`,
    [
      entry.eventKey,
      entry.workflowId,
      entry.signalName,
      JSON.stringify(entry.payload),
      entry.startInput ? JSON.stringify(entry.startInput) : null,
    ],
  );
}

/**
 * Delivers parked status events in arrival order. Rows are claimed with SKIP LOCKED so several servers
 * can relay at once; a row is deleted only after Temporal accepted the signal (or the workflow is
 * gone), so delivery is at least once and the workflow's event-key dedupe makes it exactly once.
 */
export async function relayParkedSignals(
  db: Db,
  temporal: Client,
  taskQueue: string,
  log: FastifyBaseLogger,
  batch = 100,
): Promise<number> {
  const client = await db.connect();
  let delivered = 0;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{
      id: string;
      workflow_id: string;
      payload: CallStatusEvent;
      start_input: CallInput | null;
    }>(
      `SELECT id, workflow_id, payload, start_input FROM signal_outbox
        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batch],
    );
    for (const row of rows) {
      try {
        await signalCall(
          temporal,
          taskQueue,
          row.workflow_id,
          row.payload,
          row.start_input ?? undefined,
        );
      } catch (err) {
        if (!(
          err instanceof WorkflowNotFoundError ||
          err instanceof WorkflowExecutionAlreadyStartedError
        )) {
          await client.query(
            'UPDATE signal_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1',
            [row.id, (err as Error).message.slice(0, 500)],
          );
          break;
        }
        log.warn(
          { workflowId: row.workflow_id },
          'parked signal for a workflow that no longer runs; dropped',
        );
      }
      await client.query('DELETE FROM signal_outbox WHERE id = $1', [row.id]);
      delivered++;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return delivered;
}

/** Runs the relay every `intervalMs` until stopped. */
export function startSignalRelay(
  db: Db,
  temporal: Client,
  taskQueue: string,
  log: FastifyBaseLogger,
  intervalMs = 1000,
): () => Promise<void> {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    if (stopped) return;
    current = relayParkedSignals(db, temporal, taskQueue, log)
      .then((n) => n > 0 && log.info({ delivered: n }, 'relayed parked signals'))
      .catch((err: Error) => log.debug({ err: err.message }, 'signal relay round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current;
  };
}
