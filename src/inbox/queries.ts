import type { Db } from '../db/pool';
import type { InboxRow } from './deliverer';

/** Longer than any one delivery round takes; a lease that outlives its relay expires. */
export const LEASE_SECONDS = 60;

/**
 * Claims the rows of workflows that are due: their oldest row has waited the batch window, or one
 * of them is urgent or was refused before. A short statement: no lock is held while Temporal is
 * being called, and a relay that dies mid-delivery leaves leases that expire (at least once).
 */
export async function leaseDueRows(
  db: Db,
  opts: { batch: number; windowMs: number },
): Promise<InboxRow[]> {
  const { rows } = await db.query<InboxRow>(
    `UPDATE callback_inbox SET leased_until = now() + make_interval(secs => $2)
      WHERE id IN (
        SELECT id FROM callback_inbox
         WHERE dead_at IS NULL
           AND (leased_until IS NULL OR leased_until < now())
           AND workflow_id IN (
             SELECT workflow_id FROM callback_inbox
              WHERE dead_at IS NULL
              GROUP BY workflow_id
             HAVING min(created_at) <= now() - make_interval(secs => $3)
                 OR bool_or(attempts > 0)
                 OR bool_or(urgent))
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, family, kind, workflow_id AS "workflowId", payload,
                start_input AS "startInput", attempts`,
    [opts.batch, LEASE_SECONDS, opts.windowMs / 1000],
  );
  return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

export async function deleteRows(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.query('DELETE FROM callback_inbox WHERE id = ANY($1)', [ids]);
}

/**
 * Counts a refusal. The row waits before its next try, twice as long each time up to a cap, so an
 * outage is not hammered and rows it keeps refusing never crowd fresh ones out of a round; after
 * `maxAttempts` refusals it is dead. Returns the rows that died now.
 */
export async function refuseRows(
  db: Db,
  ids: readonly string[],
  opts: { error: string; retryBaseMs: number; retryMaxMs: number; maxAttempts: number },
): Promise<{ id: string; kind: string; attempts: number }[]> {
  const { rows } = await db.query<{ id: string; kind: string; attempts: number; dead: boolean }>(
    `UPDATE callback_inbox
        SET attempts = attempts + 1, last_error = $2,
            leased_until = now() + make_interval(secs => least($3 * power(2, attempts), $4)),
            dead_at = CASE WHEN attempts + 1 >= $5 THEN now() END
      WHERE id = ANY($1)
      RETURNING id, kind, attempts, dead_at IS NOT NULL AS dead`,
    [
      ids,
      opts.error.slice(0, 500),
      opts.retryBaseMs / 1000,
      opts.retryMaxMs / 1000,
      opts.maxAttempts,
    ],
  );
  return rows.filter((r) => r.dead).map(({ id, kind, attempts }) => ({ id, kind, attempts }));
}

/** Leaves rows alone for a lease's length without counting an attempt. */
export async function holdRows(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE callback_inbox SET leased_until = now() + make_interval(secs => $2)
      WHERE id = ANY($1)`,
    [ids, LEASE_SECONDS],
  );
}
