import 'dotenv/config';
import { parseArgs } from 'node:util';
import { ensureDatabase, migrate } from './migrate';

const USAGE = `Usage: npm run migrate        (tsx src/db/migrate-cli.ts up)
       npm run migrate:down   (tsx src/db/migrate-cli.ts down)

Applies every pending migration in migrations/*.sql (up), or reverts the latest one (down), on
DATABASE_URL, creating the database first if it does not exist.

Arguments:
  up | down     direction (default: up)

Options:
  -h, --help    print this help and exit

Environment (also read from .env):
  DATABASE_URL  the database to migrate (required)`;

/** A bad command line is a one-line message and exit code 2, not a stack trace. */
function usageError(message: string): never {
  console.error(`migrate: ${message} (--help for usage)`);
  process.exit(2);
}

function parseCommandLine(): 'up' | 'down' {
  let parsed;
  try {
    parsed = parseArgs({
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (err) {
    // Node adds a sentence on positionals that start with '-'; the first one says what is wrong.
    usageError((err instanceof Error ? err.message : String(err)).replace(/\. To specify.*$/s, ''));
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [direction = 'up', ...extra] = parsed.positionals;
  if (direction !== 'up' && direction !== 'down') {
    usageError(`unknown direction "${direction}": use up or down`);
  }
  if (extra.length > 0) {
    usageError(
      `one direction only, not "${parsed.positionals.join(' ')}" (down: npm run migrate:down)`,
    );
  }
  return direction;
}

async function main(): Promise<void> {
  const direction = parseCommandLine();
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required but missing');
  await ensureDatabase(databaseUrl);
  process.stdout.write(await migrate(databaseUrl, direction));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
