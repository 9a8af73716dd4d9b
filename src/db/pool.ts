import { Pool } from 'pg';

export type Db = Pool;

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 2000 });
  // An idle client that loses its connection emits here; without a listener it would crash the process.
  pool.on('error', () => undefined);
  return pool;
}
