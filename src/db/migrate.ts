import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
// Built JavaScript runs from dist/src/db, one level deeper than the source; migrations/ and
// node_modules/ stay at the application root beside dist/ (see the Dockerfile).
const root = path.resolve(__dirname, '..', '..', path.extname(__filename) === '.js' ? '..' : '.');

/** Creates the database named in `databaseUrl` when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** Drops and recreates a database; only for test databases. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/_test$/.test(name)) throw new Error(`refusing to drop "${name}": not a *_test database`);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** Runs node-pg-migrate over `migrations/` in one transaction. */
export async function migrate(
  databaseUrl: string,
  direction: 'up' | 'down' = 'up',
): Promise<string> {
  const bin = path.join(root, 'node_modules', 'node-pg-migrate', 'bin', 'node-pg-migrate.js');
  const args = [
    bin,
    direction,
    '--migrations-dir',
    path.join(root, 'migrations'),
    '--verbose',
    'false',
  ];
  if (direction === 'down') args.push('1');
  const { stdout } = await run(process.execPath, args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return stdout;
}
