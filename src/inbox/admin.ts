import type { Db } from '../db/pool';

/** A row as an operator sees it: no payload (it holds caller data), only where it stands. */
export interface InboxListing {
  id: string;
  family: string;
  kind: string;
  workflowId: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date | null;
}

/** The inbox's rows, oldest first; only the dead ones with `dead`. */
export async function listInbox(
  db: Db,
  opts: { dead?: boolean; limit?: number } = {},
): Promise<InboxListing[]> {
  const { rows } = await db.query<InboxListing>(
    `SELECT id, family, kind, workflow_id AS "workflowId", attempts, last_error AS "lastError",
            created_at AS "createdAt", dead_at AS "deadAt"
       FROM callback_inbox
      WHERE NOT $1 OR dead_at IS NOT NULL
      ORDER BY id LIMIT $2`,
    [opts.dead ?? false, opts.limit ?? 50],
  );
  return rows;
}

/**
 * Gives rows a fresh start: not dead, no attempts, no lease, so the next relay round delivers
 * them at once. Returns the ids it reset.
 */
export async function retryInbox(
  db: Db,
  which: { id: string } | { allDead: true },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE callback_inbox SET dead_at = NULL, attempts = 0, leased_until = NULL
      WHERE ${'id' in which ? 'id = $1' : 'dead_at IS NOT NULL'}
      RETURNING id`,
    'id' in which ? [which.id] : [],
  );
  return rows.map((r) => r.id).sort((a, b) => Number(BigInt(a) - BigInt(b)));
}
