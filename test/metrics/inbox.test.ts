import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/pool';
import { registerInboxMetrics } from '../../src/metrics/inbox';
import { testDb } from '../helpers/env';
import { sampleValue } from './scrape';

let db: Db;
const family = `metrics-${Math.random().toString(36).slice(2, 8)}`;
const idle = `${family}-idle`;

beforeAll(async () => {
  db = testDb();
  const row = `INSERT INTO callback_inbox (event_key, workflow_id, kind, payload, family, created_at, dead_at)
               VALUES ($1, 'wf', 'status', '{}', $2, now() - $3::interval, $4)`;
  await db.query(row, [`${family}:1`, family, '120 seconds', null]);
  await db.query(row, [`${family}:2`, family, '5 seconds', null]);
  // Dead rows are older still: they must not count as backlog or set its age.
  await db.query(row, [`${family}:3`, family, '1 hour', new Date()]);
});
afterAll(async () => {
  await db?.query('DELETE FROM callback_inbox WHERE family = $1', [family]);
  await db?.end();
});

describe('callback inbox gauges', () => {
  it('reads backlog, oldest age and dead rows per family from callback_inbox on scrape', async () => {
    let queries = 0;
    const counted = {
      query: (...args: Parameters<Db['query']>) => {
        queries += 1;
        return db.query(...args);
      },
    } as unknown as Db;
    const registry = new Registry();
    registerInboxMetrics(counted, [family, idle], registry);

    const text = await registry.metrics();
    expect(queries).toBe(1);
    expect(sampleValue(text, 'switchboard_inbox_backlog', { family })).toBe(2);
    expect(sampleValue(text, 'switchboard_inbox_dead', { family })).toBe(1);
    const oldest = sampleValue(text, 'switchboard_inbox_oldest_age_seconds', { family }) ?? 0;
    expect(oldest).toBeGreaterThanOrEqual(120);
    expect(oldest).toBeLessThan(600);
    // A registered family with nothing waiting shows zeros, not a missing series.
    expect(sampleValue(text, 'switchboard_inbox_backlog', { family: idle })).toBe(0);
    expect(sampleValue(text, 'switchboard_inbox_oldest_age_seconds', { family: idle })).toBe(0);

    await db.query('DELETE FROM callback_inbox WHERE event_key = $1', [`${family}:1`]);
    const after = await registry.metrics();
    expect(queries).toBe(2);
    expect(sampleValue(after, 'switchboard_inbox_backlog', { family })).toBe(1);
    expect(sampleValue(after, 'switchboard_inbox_oldest_age_seconds', { family })).toBeLessThan(
      120,
    );
  });
});
