import type { Db } from '../db/pool';
import type { Deliverer, InboxLog, InboxRow } from './deliverer';
import { deleteRows, holdRows, leaseDueRows, refuseRows } from './queries';

/** What a relay needs, and how it batches. */
export interface Relay {
  db: Db;
  /** One per family; a row of a family with none is left in the inbox. */
  deliverers: readonly Deliverer[];
  log: InboxLog;
  /**
   * A workflow's rows wait up to this long (from its oldest row) to go out together; an urgent
   * row, or one that failed before, sends them at once. Each delivery is a workflow task, so a
   * short IVR call costs one instead of one per webhook.
   */
  windowMs?: number;
  /** Rows per round. */
  batch?: number;
  /** A refused row's first wait before it is tried again; each further refusal doubles it. */
  retryBaseMs?: number;
  /** The longest a refused row waits between tries. */
  retryMaxMs?: number;
  /** Refusals after which a row is dead: kept with its last error, and no longer tried. */
  maxAttempts?: number;
}

type Outcome = { done: true } | { done: false; error: string };

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function deliverGroup(
  deliverer: Deliverer,
  workflowId: string,
  rows: readonly InboxRow[],
): Promise<Outcome> {
  try {
    await deliverer.deliver(workflowId, rows);
    return { done: true };
  } catch (err) {
    if (!deliverer.isGone?.(err)) return { done: false, error: messageOf(err) };
  }
  try {
    await deliverer.afterClose?.(workflowId, rows);
    return { done: true };
  } catch (err) {
    return { done: false, error: messageOf(err) };
  }
}

function groupByWorkflow(rows: readonly InboxRow[]): Map<string, InboxRow[]> {
  const groups = new Map<string, InboxRow[]>();
  for (const row of rows) {
    const key = `${row.family}\u0000${row.workflowId}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

interface Refused {
  family: string;
  workflowId: string;
  rows: readonly InboxRow[];
  error: string;
}

/** Counts the refusals, and reports each row that died of this one. */
async function recordRefusal(relay: Relay, refused: Refused): Promise<void> {
  const { db, log, retryBaseMs = 500, retryMaxMs = 10_000, maxAttempts = 50 } = relay;
  const { family, workflowId, rows, error } = refused;
  const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
  log.warn({ family, workflowId, attempts, err: error }, 'inbox rows not taken');
  const ids = rows.map((r) => r.id);
  for (const dead of await refuseRows(db, ids, { error, retryBaseMs, retryMaxMs, maxAttempts })) {
    log.error(
      { family, workflowId, row: dead.id, kind: dead.kind, attempts: dead.attempts },
      'inbox row refused too often; kept as dead (npm run cli -- inbox list --dead)',
    );
  }
}

/**
 * Delivers the callback inbox. Rows are leased so several relays can run at once, grouped by
 * workflow in arrival order, and deleted only once Temporal took them (or the workflow is gone):
 * delivery is at least once, and the workflow's dedupe by event key makes it exactly once.
 * Returns how many rows were delivered.
 */
export async function relayInbox(relay: Relay): Promise<number> {
  const { db, log, windowMs = 0, batch = 500 } = relay;
  const deliverers = new Map(relay.deliverers.map((d) => [d.family, d]));
  const rows = await leaseDueRows(db, { batch, windowMs });
  const done: string[] = [];
  const refused: Refused[] = [];
  const unknown: InboxRow[] = [];
  await Promise.all(
    [...groupByWorkflow(rows).values()].map(async (group) => {
      const { family, workflowId } = group[0]!;
      const deliverer = deliverers.get(family);
      if (!deliverer) return void unknown.push(...group);
      const outcome = await deliverGroup(deliverer, workflowId, group);
      if (outcome.done) done.push(...group.map((r) => r.id));
      else refused.push({ family, workflowId, rows: group, error: outcome.error });
    }),
  );
  await deleteRows(db, done);
  for (const r of refused) await recordRefusal(relay, r);
  if (unknown.length > 0) {
    // Left for a relay that knows the family (a newer worker, mid-deploy) once the hold expires.
    await holdRows(
      db,
      unknown.map((r) => r.id),
    );
    const families = [...new Set(unknown.map((r) => r.family))];
    log.error({ families, rows: unknown.length }, 'inbox rows of a family with no deliverer; left');
  }
  return done.length;
}

/** Runs the relay every `intervalMs` until stopped; a full batch goes round again at once. */
export function startInboxRelay(relay: Relay, intervalMs = 250): () => Promise<void> {
  const batch = relay.batch ?? 500;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    if (stopped) return;
    let again = false;
    current = relayInbox({ ...relay, batch })
      .then((n) => {
        again = n >= batch;
        if (n > 0) relay.log.debug({ delivered: n }, 'relayed inbox rows');
      })
      .catch((err: unknown) => relay.log.debug({ err: messageOf(err) }, 'inbox relay round failed'))
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
