import { readFileSync, readdirSync } from 'node:fs';
import type { Client as TemporalClient } from '@temporalio/client';
import { Client } from 'pg';
import { FINAL_CALL_STATUSES } from '../workflows/shared/call-status';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** User plus system CPU milliseconds of one process (Linux /proc). */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU milliseconds of a process and all its descendants. */
export function cpuMsOfTree(pid: number): number {
  return children(pid).reduce((sum, child) => sum + cpuMsOfTree(child), cpuMsOf(pid));
}

/** CPU milliseconds by pid of every process with this command name (e.g. PostgreSQL backends). */
export function cpuMsByPid(name: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
      byPid.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // the process ended while we looked
    }
  }
  return byPid;
}

/**
 * CPU used between two snapshots. A process that exited in between is not counted (its time is
 * gone from /proc), so this can only under-count short-lived backends.
 */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * Seconds until the background has caught up with the callers: the callback inbox is empty, every call's
 * log row shows a final status (written by its workflow after the last callback), and every call
 * workflow has closed, so no work of one run spills into the next.
 */
export async function catchUpSeconds(
  databaseUrl: string,
  temporal: TemporalClient,
  timeoutMs = 300_000,
): Promise<number | null> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const started = performance.now();
  try {
    for (;;) {
      const { rows } = await db.query<{ inbox: string; open: string }>(
        `SELECT (SELECT count(*) FROM callback_inbox) AS inbox,
                (SELECT count(*) FROM calls WHERE NOT (status = ANY($1::text[]))) AS open`,
        [FINAL_CALL_STATUSES],
      );
      const { inbox, open } = rows[0]!;
      const running =
        inbox === '0' && open === '0'
          ? (await temporal.workflow.count('ExecutionStatus = "Running"')).count
          : -1;
      if (running === 0) return (performance.now() - started) / 1000;
      if (performance.now() - started > timeoutMs) {
        console.error(`not caught up: ${inbox} inbox rows, ${open} calls without final status`);
        return null;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await db.end();
  }
}
