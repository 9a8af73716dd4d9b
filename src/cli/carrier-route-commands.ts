import type { Command } from 'commander';
import { Option } from 'commander';
import {
  ANY_DESTINATION,
  matchRoutes,
  dialRouteOf,
  type RouteKind,
} from '../routing/carrier-routes';
import { listCarrierRoutes, putCarrierRoute, removeCarrierRoutes } from '../routing/route-store';
import { maskNumbers, table, withDb } from './output';

interface AddOptions {
  prefix: string;
  kind: RouteKind;
  priority: string;
  trunk?: string;
  target?: string;
  description?: string;
}

const integer = (value: string, name: string): number => {
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return Number(value);
};

/**
 * `npm run cli -- carrier-routes …`: the table that sends transfer destinations to Twilio's
 * carriers, a BYOC trunk or a SIP endpoint by longest prefix, with fallbacks by priority. Calls
 * pick up a change when they start; calls in flight keep the routes they started with.
 */
export function carrierRouteCommands(program: Command, databaseUrl: () => string): void {
  const routes = program
    .command('carrier-routes')
    .description('where transfers go: PSTN, a BYOC trunk or a SIP endpoint, by longest prefix');

  routes
    .command('list')
    .description('every route, by prefix and priority (0 is tried first)')
    .action(() =>
      withDb(databaseUrl, async (db) => {
        const rows = await listCarrierRoutes(db);
        if (rows.length === 0)
          return console.log('no carrier routes: transfers dial their targets');
        console.log(
          table(
            ['PREFIX', 'PRIORITY', 'KIND', 'TRUNK', 'TARGET', 'DESCRIPTION'],
            rows.map((r) => [
              r.prefix,
              String(r.priority),
              r.kind,
              r.trunkSid ?? '-',
              maskNumbers(r.target ?? '(destination)'),
              r.description ?? '',
            ]),
          ),
        );
      }),
    );

  routes
    .command('add')
    .description('add a route, or replace the one at the same prefix and priority')
    .requiredOption(
      '--prefix <prefix>',
      `"+44", "+1415555", "sip:support@" or "${ANY_DESTINATION}"`,
    )
    .addOption(
      new Option('--kind <kind>', 'how the call leaves')
        .choices(['pstn', 'byoc', 'sip'])
        .makeOptionMandatory(),
    )
    .option('--priority <n>', '0 is tried first; 1 is the fallback after 0 fails, and so on', '0')
    .option('--trunk <BYsid>', 'BYOC trunk sid (byoc routes)')
    .option(
      '--target <address>',
      'dial this instead of the destination; {number} is replaced by it',
    )
    .option('--description <text>', 'a note shown by list')
    .action((opts: AddOptions) =>
      withDb(databaseUrl, async (db) => {
        const route = await putCarrierRoute(db, {
          prefix: opts.prefix,
          priority: integer(opts.priority, '--priority'),
          kind: opts.kind,
          trunkSid: opts.trunk ?? null,
          target: opts.target ?? null,
          description: opts.description ?? null,
        });
        console.log(
          `route ${route.prefix} #${route.priority}: ${route.kind}${route.trunkSid ? ` via ${route.trunkSid}` : ''}`,
        );
      }),
    );

  routes
    .command('remove <prefix>')
    .description("remove a prefix's routes (or one priority of it)")
    .option('--priority <n>', 'only this priority')
    .action((prefix: string, opts: { priority?: string }) =>
      withDb(databaseUrl, async (db) => {
        const priority =
          opts.priority === undefined ? undefined : integer(opts.priority, '--priority');
        const removed = await removeCarrierRoutes(db, prefix, priority);
        if (removed === 0)
          throw new Error(
            `no route with prefix ${prefix}${priority === undefined ? '' : ` #${priority}`}`,
          );
        console.log(`removed ${removed} route${removed === 1 ? '' : 's'} of ${prefix}`);
      }),
    );

  routes
    .command('resolve <destination>')
    .description('what a transfer to <destination> would dial, first to last')
    .action((destination: string) =>
      withDb(databaseUrl, async (db) => {
        const matched = matchRoutes(await listCarrierRoutes(db), destination);
        if (matched.length === 0) {
          return console.log(`${maskNumbers(destination)}: no route; dialed directly`);
        }
        console.log(`${maskNumbers(destination)}: prefix ${matched[0]?.prefix}`);
        console.log(
          table(
            ['TRY', 'KIND', 'DIALS', 'VIA'],
            matched.map((r, i) => {
              const dial = dialRouteOf(r, destination);
              return [
                String(i + 1),
                r.kind,
                dial ? maskNumbers(dial.to) : '(skipped: nothing dialable for this destination)',
                dial?.byoc ?? (r.kind === 'sip' ? 'SIP' : 'Twilio'),
              ];
            }),
          ),
        );
      }),
    );
}
