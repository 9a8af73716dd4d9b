import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { APP_ROOT } from '../root';
import { fail, messageOf, pass, type Check } from '../types';

const MIGRATIONS_DIR = path.join(APP_ROOT, 'migrations');

/** node-pg-migrate records a migration by its file name without the extension. */
export async function migrationNames(dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await readdir(dir);
  return files
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length))
    .sort();
}

/** PostgreSQL answers, and every migration in migrations/ is recorded in `pgmigrations`. */
export const checkPostgres: Check = async (deps) => {
  let applied: Set<string>;
  try {
    const tables = await deps
      .db()
      .query<{ present: boolean }>(`SELECT to_regclass('pgmigrations') IS NOT NULL AS present`);
    const rows = tables.rows[0]?.present
      ? (await deps.db().query<{ name: string }>('SELECT name FROM pgmigrations')).rows
      : [];
    applied = new Set(rows.map((r) => r.name));
  } catch (err) {
    return [
      fail(
        'PostgreSQL reachable',
        messageOf(err),
        'check DATABASE_URL (host, port, user, database) and that PostgreSQL is running',
      ),
    ];
  }
  const reachable = pass('PostgreSQL reachable', new URL(deps.config.DATABASE_URL).host);
  const missing = (await migrationNames()).filter((name) => !applied.has(name));
  if (missing.length > 0) {
    return [
      reachable,
      fail(
        'schema migrated',
        `${missing.length} migration(s) not applied: ${missing.join(', ')}`,
        'run `npm run migrate` with this DATABASE_URL',
      ),
    ];
  }
  return [reachable, pass('schema migrated', `${applied.size} migrations applied`)];
};
