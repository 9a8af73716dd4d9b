import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/pool';
import { METRIC_PREFIX, metricsRegistry } from './registry';

interface FamilyRow {
  family: string;
  backlog: string;
  oldest: number | null;
  dead: string;
}

/**
 * One query per scrape for all three gauges: live rows are the relay's backlog (its oldest age is
 * how far a workflow may lag its caller), dead rows wait for an operator and are counted apart.
 */
async function inboxByFamily(db: Db): Promise<FamilyRow[]> {
  const { rows } = await db.query<FamilyRow>(
    `SELECT family,
            count(*) FILTER (WHERE dead_at IS NULL) AS backlog,
            extract(epoch FROM now() - min(created_at) FILTER (WHERE dead_at IS NULL))::float8 AS oldest,
            count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead
       FROM callback_inbox GROUP BY family`,
  );
  return rows;
}

/**
 * Registers the callback inbox gauges, read from PostgreSQL when scraped. `families` are the
 * deliverers the relay runs: each shows 0 when empty, rather than no series at all.
 */
export function registerInboxMetrics(
  db: Db,
  families: readonly string[],
  registry: Registry = metricsRegistry,
): void {
  // Prometheus reads the gauges concurrently: they share the scrape's one query.
  let scrape: Promise<FamilyRow[]> | undefined;
  const load = (): Promise<FamilyRow[]> =>
    (scrape ??= inboxByFamily(db).finally(() => {
      scrape = undefined;
    }));
  const gauge = (name: string, help: string, value: (row: FamilyRow) => number): void => {
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: ['family'] as const,
      registers: [registry],
      async collect() {
        const rows = await load();
        this.reset();
        for (const family of families) this.set({ family }, 0);
        for (const row of rows) this.set({ family: row.family }, value(row));
      },
    });
  };
  gauge('inbox_backlog', 'Callback inbox rows waiting for the relay, by family.', (row) =>
    Number(row.backlog),
  );
  gauge(
    'inbox_oldest_age_seconds',
    'Age of the oldest waiting callback inbox row, by family.',
    (row) => row.oldest ?? 0,
  );
  gauge(
    'inbox_dead',
    'Callback inbox rows kept as dead after INBOX_MAX_ATTEMPTS, by family.',
    (row) => Number(row.dead),
  );
}
