import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { recreateDatabase } from '../../src/db/migrate';

/** The callback inbox migration on a scratch database, from the signal_outbox era and back. */
const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const MIGRATION = '1764000000006_callback-inbox';

const scratch = new URL(inject('databaseUrl'));
scratch.pathname = `${scratch.pathname}_migration_test`;
const url = scratch.toString();

const dir = path.join(root, 'migrations');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.replace(/\.sql$/, ''))
  .sort();
const index = names.indexOf(MIGRATION);

/** Migrates up or down to just before this migration, or through it. */
async function migrateTo(where: 'before' | 'through'): Promise<void> {
  const bin = path.join(root, 'node_modules', 'node-pg-migrate', 'bin', 'node-pg-migrate.js');
  const { rows } = await db
    .query<{ n: string }>(`SELECT count(*) AS n FROM pgmigrations`)
    .catch(() => ({ rows: [{ n: '0' }] }));
  const applied = Number(rows[0]!.n);
  const target = where === 'through' ? index + 1 : index;
  const [direction, count] =
    target >= applied ? ['up', target - applied] : ['down', applied - target];
  if (count === 0) return;
  await run(process.execPath, [bin, direction, String(count), '-m', dir, '--verbose', 'false'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
  });
}

let db: Client;
beforeAll(async () => {
  await recreateDatabase(url);
  db = new Client({ connectionString: url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${scratch.pathname.slice(1)}" WITH (FORCE)`);
  await client.end();
});

const oldRow = (key: string, signal: string, callStatus?: string): Promise<unknown> =>
  db.query(
    `INSERT INTO signal_outbox (event_key, workflow_id, signal_name, payload, attempts, last_error)
     VALUES ($1, 'call-CA1', $2, $3, 2, 'unavailable')`,
    [key, signal, JSON.stringify(callStatus ? { callStatus } : { key })],
  );

describe(`migration ${MIGRATION}`, () => {
  it('carries signal_outbox rows over into callback_inbox, and back down', async () => {
    expect(index).toBeGreaterThan(0);
    await migrateTo('before');
    await oldRow('k1', 'step');
    await oldRow('k2', 'status', 'in-progress');
    await oldRow('k3', 'status', 'completed');
    await oldRow('k4', 'callStatus', 'no-answer');

    await migrateTo('through');
    const up = await db.query(
      `SELECT event_key, family, kind, urgent, attempts, last_error, dead_at
         FROM callback_inbox ORDER BY id`,
    );
    const carried = { family: 'call', attempts: 2, last_error: 'unavailable', dead_at: null };
    expect(up.rows).toEqual([
      { event_key: 'k1', kind: 'step', urgent: false, ...carried },
      { event_key: 'k2', kind: 'status', urgent: false, ...carried },
      { event_key: 'k3', kind: 'status', urgent: true, ...carried },
      { event_key: 'k4', kind: 'status', urgent: true, ...carried },
    ]);
    // The sequence and keys follow the table's name; ids go on from where they were.
    const next = await db.query<{ id: string }>(
      `INSERT INTO callback_inbox (event_key, workflow_id, kind, payload)
       VALUES ('k5', 'call-CA1', 'step', '{}') RETURNING id`,
    );
    expect(next.rows[0]!.id).toBe('5');

    await migrateTo('before');
    const down = await db.query(
      'SELECT event_key, signal_name, attempts FROM signal_outbox ORDER BY id',
    );
    expect(down.rows.map((r: { event_key: string }) => r.event_key)).toEqual([
      'k1',
      'k2',
      'k3',
      'k4',
      'k5',
    ]);
    expect(down.rows[0]).toEqual({ event_key: 'k1', signal_name: 'step', attempts: 2 });
  });

  it('refuses to go down while rows of other families wait', async () => {
    await migrateTo('through');
    await db.query(
      `INSERT INTO callback_inbox (family, event_key, workflow_id, kind, payload)
       VALUES ('sms', 'k6', 'sms-1', 'status', '{}')`,
    );
    await expect(migrateTo('before')).rejects.toThrow(/families other than call/);
    const left = await db.query("SELECT 1 FROM callback_inbox WHERE event_key = 'k6'");
    expect(left.rowCount).toBe(1);
  });
});
