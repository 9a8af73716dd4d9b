import 'dotenv/config';
import { Command, InvalidArgumentError } from 'commander';
import { exitCodeOf, formatReport } from './report';
import { runDoctor } from './run';

const program = new Command()
  .name('doctor')
  .usage('[options]   (npm run doctor -- [options])')
  .description(
    'Checks a Switchboard deployment from the environment (and .env): configuration; PostgreSQL ' +
      'and Temporal reachable, schema migrated, search attributes registered; Twilio credentials; ' +
      "every routed number's Voice URL, method and status callback; a signed request through " +
      'PUBLIC_BASE_URL; a worker polling each task queue; clock skew. Prints ✓/✗ with the fix ' +
      'for each failure and exits 1 if any check fails.',
  )
  .option('--json', 'print the results as one JSON object instead of the ✓/✗ list')
  .option(
    '--timeout-ms <ms>',
    'budget for each network request',
    (value) => {
      const ms = Number(value);
      if (!Number.isInteger(ms) || ms < 100) {
        throw new InvalidArgumentError('a whole number of milliseconds, at least 100');
      }
      return ms;
    },
    5000,
  )
  .showHelpAfterError('(npm run doctor -- --help for usage)')
  .action(async (opts: { json?: boolean; timeoutMs: number }) => {
    const results = await runDoctor(process.env, { timeoutMs: opts.timeoutMs });
    const code = exitCodeOf(results);
    console.log(
      opts.json ? JSON.stringify({ ok: code === 0, checks: results }) : formatReport(results),
    );
    process.exitCode = code;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`doctor: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
