import 'dotenv/config';
import { ensureDatabase, migrate } from './migrate';

async function main(): Promise<void> {
  const direction = process.argv[2] === 'down' ? 'down' : 'up';
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required but missing');
  await ensureDatabase(databaseUrl);
  process.stdout.write(await migrate(databaseUrl, direction));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
