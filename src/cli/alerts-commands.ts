import type { Command } from 'commander';
import { listAlerts, type AlertListing } from '../alerts/store';
import { maskNumbers, table, withDb } from './output';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m`, `1h`, `2d` before `now`. */
export function sinceOf(text: string, now = new Date()): Date {
  const match = /^(\d{1,4})([mhd])$/.exec(text);
  if (!match) throw new Error(`--since takes minutes, hours or days, like 30m, 1h or 2d`);
  const [, count = '0', unit = 'm'] = match;
  return new Date(now.getTime() - Number(count) * UNIT_MS[unit as keyof typeof UNIT_MS]);
}

const HEADER = ['time', 'level', 'code', 'call', 'explanation'];

function cellsOf(row: AlertListing): string[] {
  return [
    row.occurredAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    row.level,
    row.errorCode ?? '-',
    row.callSid ?? '-',
    maskNumbers(row.explanation.replace(/\s+/g, ' ')),
  ];
}

/** Left-aligned columns as wide as their widest cell; the explanation runs free. */
export function alertsTable(rows: readonly AlertListing[]): string {
  return table(HEADER, rows.map(cellsOf));
}

/** An alert as `call show` prints it, beside the workflow's own state. */
export function alertForCall(row: AlertListing): Record<string, string | null> {
  return {
    occurredAt: row.occurredAt.toISOString(),
    level: row.level,
    code: row.errorCode,
    explanation: maskNumbers(row.explanation),
    alertSid: row.alertSid,
  };
}

interface AlertsOptions {
  since: string;
  call?: string;
  limit: string;
}

export function alertsCommands(program: Command, databaseUrl: () => string): void {
  const alerts = program
    .command('alerts')
    .description("Twilio's Debugger alerts, as its webhook delivered them to /twilio/debugger");

  // The default subcommand, so `alerts --since 1h` lists without naming it.
  alerts
    .command('list', { isDefault: true })
    .description('alerts newest first, with what each code means and how to fix it')
    .option('--since <age>', 'how far back: 30m, 1h, 2d', '24h')
    .option('--call <callSid>', 'only alerts about this call')
    .option('--limit <n>', 'how many', '50')
    .action(async (opts: AlertsOptions) => {
      const since = sinceOf(opts.since);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit must be a count');
      if (opts.call !== undefined && !/^CA[0-9a-f]{32}$/.test(opts.call))
        throw new Error(`"${opts.call}" is not a CallSid (CA + 32 hex digits)`);
      const rows = await withDb(databaseUrl, (db) =>
        listAlerts(db, { since, limit, ...(opts.call ? { callSid: opts.call } : {}) }),
      );
      console.log(rows.length === 0 ? `no alerts since ${opts.since} ago` : alertsTable(rows));
    });
}
