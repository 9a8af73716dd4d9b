import type { Command } from 'commander';
import { listInbox, retryInbox, type InboxListing } from '../inbox/admin';
import { maskNumbers, table, withDb } from './output';

function age(since: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

const HEADER = ['id', 'family', 'kind', 'workflow', 'state', 'attempts', 'age', 'last error'];

function cellsOf(row: InboxListing, now: Date): string[] {
  const error = (row.lastError ?? '-').replace(/\s+/g, ' ');
  return [
    row.id,
    row.family,
    row.kind,
    row.workflowId,
    row.deadAt ? 'dead' : row.attempts > 0 ? 'retrying' : 'waiting',
    String(row.attempts),
    age(row.createdAt, now),
    error.length > 60 ? `${error.slice(0, 59)}…` : error,
  ].map(maskNumbers);
}

/** Left-aligned columns as wide as their widest cell; the last one runs free. */
export function inboxTable(rows: readonly InboxListing[], now = new Date()): string {
  return table(
    HEADER,
    rows.map((r) => cellsOf(r, now)),
  );
}

export function inboxCommands(program: Command, databaseUrl: () => string): void {
  const inbox = program
    .command('inbox')
    .description('the callback inbox: callbacks kept until their workflow has them');

  inbox
    .command('list')
    .description('rows waiting for delivery, oldest first (no payloads: they hold caller data)')
    .option('--dead', 'only rows refused too often, which the relay no longer tries')
    .option('--limit <n>', 'how many', '50')
    .action(async (opts: { dead?: boolean; limit: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a count`);
      const rows = await withDb(databaseUrl, (db) =>
        listInbox(db, { dead: opts.dead ?? false, limit }),
      );
      if (rows.length === 0) {
        console.log(opts.dead ? 'no dead rows' : 'the callback inbox is empty');
        return;
      }
      console.log(inboxTable(rows));
    });

  inbox
    .command('retry [id]')
    .description('let the relay try a row (or every dead row) again, from a fresh count')
    .option('--all-dead', 'every dead row')
    .action(async (id: string | undefined, opts: { allDead?: boolean }) => {
      if (id !== undefined && !/^\d+$/.test(id)) throw new Error(`"${id}" is not a row id`);
      if ((id === undefined) === !opts.allDead) throw new Error('give a row id or --all-dead');
      const ids = await withDb(databaseUrl, (db) =>
        retryInbox(db, id === undefined ? { allDead: true } : { id }),
      );
      if (id !== undefined && ids.length === 0) throw new Error(`no inbox row ${id}`);
      console.log(
        ids.length === 0
          ? 'no dead rows'
          : `${ids.length} row(s) will be tried again: ${ids.join(', ')}`,
      );
    });
}
