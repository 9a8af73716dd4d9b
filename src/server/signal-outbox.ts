import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/pool';

export interface OutboxEntry {
  eventKey: string;
  workflowId: string;
  signalName: string;
  payload: unknown;
}

/** Parks a signal that Temporal could not take; the same event key is parked once. */
export async function parkSignal(db: Db, entry: OutboxEntry): Promise<void> {
  await db.query(
    `INSERT INTO signal_outbox (event_key, workflow_id, signal_name, payload)
     VALUES ($1, $2, $3, $4) ON CONFLICT (event_key) DO NOTHING`,
    [entry.eventKey, entry.workflowId, entry.signalName, JSON.stringify(entry.payload)],
  );
}

/**
 * Delivers parked signals in arrival order. Rows are claimed with SKIP LOCKED so several servers
 * can relay at once; a row is deleted only after Temporal accepted the signal (or the workflow is
 * gone), so delivery is at least once and the workflow's event-key dedupe makes it exactly once.
 */
export async function relayParkedSignals(
  db: Db,
  temporal: Client,
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
      signal_name: string;
      payload: unknown;
    }>(
      `SELECT id, workflow_id, signal_name, payload FROM signal_outbox
        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batch],
    );
    for (const row of rows) {
      try {
        await temporal.workflow.getHandle(row.workflow_id).signal(row.signal_name, row.payload);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) {
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
  log: FastifyBaseLogger,
  intervalMs = 1000,
): () => Promise<void> {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    if (stopped) return;
    current = relayParkedSignals(db, temporal, log)
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
