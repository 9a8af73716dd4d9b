/**
 * Webhook latency benchmark: `npm run bench:webhook -- [options]` (`--help` lists them).
 * Runs the real stack (Temporal dev server, worker, webhook server, PostgreSQL) and, in the same
 * run, a stateless fastify control that renders the same TwiML without Temporal, then drives both
 * with signed simulated callers. Prints a table and a JSON document.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createPool } from '../src/db/pool';
import { routeNumber, saveIvr } from '../src/ivr/store';
import { readFileSync } from 'node:fs';
import { connectClient } from '../src/temporal/connect';
import { freePort } from '../test/helpers/dev-server';
import type { ChildProcess } from 'node:child_process';
import { catchUpSeconds, cpuMsBetween, cpuMsByPid, cpuMsOfTree } from './cpu';
import { placeCall, type CallerOptions, type Sample } from './caller';
import { startProcess, startStack, waitFor } from './stack';

const options = {
  calls: { type: 'string', default: '50' },
  rounds: { type: 'string', default: '3' },
  'pause-ms': { type: 'string', default: '1000' },
  levels: { type: 'string', default: '5,10,20,40,80' },
  'calls-per-level': { type: 'string', default: '200' },
  mode: { type: 'string', default: 'both' },
  targets: { type: 'string', default: 'update,journal,control' },
  'background-nice': { type: 'string', default: '10' },
  'background-cpus': { type: 'string', default: 'all' },
  'background-sched': { type: 'string', default: 'other' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** What each option means, for `--help`; the defaults come from `options`. */
const meaning: Record<Exclude<keyof typeof options, 'help' | 'json'>, string> = {
  calls: 'paced mode: callers per target, all at once',
  rounds: 'paced mode: calls each caller places, one after another',
  'pause-ms': 'paced mode: ms a caller listens before answering each prompt',
  levels: 'saturation mode: comma-separated concurrency levels',
  'calls-per-level': 'saturation mode: calls per level, shared by its callers',
  mode: 'paced, saturation or both',
  targets: 'comma-separated: update, journal (webhook modes), control (no Temporal)',
  'background-nice': 'nice level of Temporal and the worker (0: as the webhook server)',
  'background-cpus': 'CPUs (taskset list) for Temporal and the worker, or all',
  'background-sched': 'scheduling policy of Temporal and the worker: other, batch or idle',
};

function usage(): string {
  const rows: [string, string, string][] = [
    ...Object.entries(meaning).map(([name, text]): [string, string, string] => [
      `--${name} <value>`,
      options[name as keyof typeof meaning].default,
      text,
    ]),
    ['--json', '', 'print the JSON summary as one line, the last one'],
    ['-h, --help', '', 'print this help and exit'],
  ];
  const width = (i: number): number => Math.max(...rows.map((r) => r[i]!.length));
  const line = (r: readonly string[]): string =>
    `  ${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]}`.trimEnd();
  return [
    'Usage: npm run bench:webhook -- [options]',
    '',
    'Starts Temporal, PostgreSQL, the worker and the webhook servers, drives them with signed',
    'simulated callers, then prints a table and a JSON summary.',
    '',
    line(['option', 'default', 'meaning']),
    ...rows.map(line),
  ].join('\n');
}

/** A bad command line is a one-line message and exit code 2, not a stack trace. */
function usageError(message: string): never {
  console.error(`bench:webhook: ${message} (--help lists the options)`);
  process.exit(2);
}

function parseCommandLine(): { [K in keyof typeof meaning]: string } & {
  help?: boolean;
  json?: boolean;
} {
  let parsed;
  try {
    parsed = parseArgs({ options });
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help) {
    console.log(usage());
    process.exit(0);
  }
  const { values } = parsed;
  if (!['paced', 'saturation', 'both'].includes(values.mode)) {
    usageError(`--mode must be paced, saturation or both, not "${values.mode}"`);
  }
  return values;
}

const values = parseCommandLine();

const ACCOUNT_SID = 'AC' + '0'.repeat(32);
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
const ivrFile = path.resolve(__dirname, '..', 'test', 'fixtures', 'ivrs', 'test-line.json');

interface Result {
  target: string;
  mode: string;
  concurrency: number;
  calls: number;
  completedCalls: number;
  requests: number;
  errors: number;
  fallbacks: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  seconds: number;
  callsPerSecond: number;
  requestsPerSecond: number;
  /** CPU time per completed call, by process (its whole process tree), while this run lasted. */
  cpuMsPerCall?: Record<string, number>;
  /** Seconds after the last caller hung up until every call was fully recorded. */
  catchUpSeconds?: number | null;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function drive(
  target: string,
  mode: string,
  opts: CallerOptions,
  concurrency: number,
  callsEach: number,
): Promise<Result> {
  const samples: Sample[] = [];
  let completed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      // Stagger paced callers over one pause so they do not arrive in lockstep.
      if (opts.pauseMs > 0)
        await new Promise((r) => setTimeout(r, (opts.pauseMs * i) / concurrency));
      for (let n = 0; n < callsEach; n++) if (await placeCall(opts, samples)) completed++;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    target,
    mode,
    concurrency,
    calls: concurrency * callsEach,
    completedCalls: completed,
    requests: samples.length,
    errors: samples.filter((s) => !s.ok).length,
    fallbacks: samples.filter((s) => s.fallback).length,
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    p99: round(percentile(ms, 99)),
    max: round(ms.at(-1) ?? NaN),
    seconds: round(seconds),
    callsPerSecond: round(completed / seconds),
    requestsPerSecond: round(samples.length / seconds),
  };
}

/** `chrt`/`taskset`/`nice` prefix for background processes; other, all CPUs and nice 0 mean none. */
function backgroundWrapper(nice: number, cpus: string, sched: string): string[] {
  const count = os.cpus().length;
  if (sched !== 'other' && sched !== 'idle' && sched !== 'batch') {
    throw new Error(`--background-sched must be other, batch or idle, not "${sched}"`);
  }
  return [
    ...(sched === 'other' ? [] : ['chrt', `--${sched}`, '0']),
    ...(cpus === 'all' || count < 2 ? [] : ['taskset', '-c', cpus]),
    ...(nice > 0 ? ['nice', '-n', String(nice)] : []),
  ];
}

async function main(): Promise<void> {
  const calls = Number(values.calls);
  const rounds = Number(values.rounds);
  const pauseMs = Number(values['pause-ms']);
  const levels = String(values.levels).split(',').map(Number);
  const perLevel = Number(values['calls-per-level']);

  // Temporal and the worker are background work. Sharing one box with the webhook server, they run
  // at a lower priority, as CPU weights would give a deployment; `--background-cpus 1` also confines
  // them to CPU 1 (on this 2-core box that made the webhook tail worse, not better).
  const background = backgroundWrapper(
    Number(values['background-nice']),
    String(values['background-cpus']),
    String(values['background-sched']),
  );
  const stack = await startStack('switchboard_bench_test', background);
  const temporal = await connectClient({
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
  });
  const db = createPool(stack.databaseUrl, 2);
  await saveIvr(db, JSON.parse(readFileSync(ivrFile, 'utf8')));
  await routeNumber(db, '*', 'test-line');
  await db.end();

  const [updatePort, journalPort, baselinePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const common = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: 'bench',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: '',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // Workflows close 5 s after their call instead of 60, so a run's closing work ends before the
    // next run starts (catch-up waits for it).
    CALL_LINGER_SECONDS: '5',
    INBOX_RELAY_INTERVAL_MS: process.env.INBOX_RELAY_INTERVAL_MS ?? '250',
    // Overwritten per server; the worker needs a value as every process validates the same config.
    PUBLIC_BASE_URL: 'http://127.0.0.1',
  };
  const worker = startProcess('src/worker/main.ts', common, background);
  stack.children.push(worker);
  const serverFor = (port: number, mode: string): ChildProcess =>
    startProcess('src/server/main.ts', {
      ...common,
      WEBHOOK_MODE: mode,
      HTTP_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    });
  const all = {
    update: { port: updatePort, ready: '/readyz', start: () => serverFor(updatePort, 'update') },
    journal: {
      port: journalPort,
      ready: '/readyz',
      start: () => serverFor(journalPort, 'journal'),
    },
    control: {
      port: baselinePort,
      ready: '/healthz',
      start: () =>
        startProcess('bench/baseline-main.ts', {
          ...common,
          HTTP_PORT: String(baselinePort),
          PUBLIC_BASE_URL: `http://127.0.0.1:${baselinePort}`,
          BENCH_IVR_FILE: ivrFile,
        }),
    },
  };
  type Target = keyof typeof all;
  const targets = String(values.targets)
    .split(',')
    .map((t) => {
      if (!(t in all)) throw new Error(`unknown target "${t}"; use ${Object.keys(all).join(',')}`);
      return t as Target;
    });
  const servers = Object.fromEntries(
    targets.map((t) => {
      const child = all[t].start();
      stack.children.push(child);
      return [t, { ...all[t], child }];
    }),
  ) as Record<Target, (typeof all)[Target] & { child: ChildProcess }>;
  /** Processes whose CPU time is charged to a run: the target's server, and for Switchboard the rest. */
  const chargedTo = (target: Target): Record<string, ChildProcess> =>
    target === 'control'
      ? { server: servers.control.child }
      : { server: servers[target].child, worker, temporal: stack.children[0]! };
  try {
    for (const s of Object.values(servers)) await waitFor(`http://127.0.0.1:${s.port}${s.ready}`);
    const optsFor = (target: Target, pause: number): CallerOptions => {
      const url = `http://127.0.0.1:${servers[target].port}`;
      return {
        baseUrl: url,
        publicBaseUrl: url,
        authToken: AUTH_TOKEN,
        accountSid: ACCOUNT_SID,
        pauseMs: pause,
      };
    };
    // Warm up both (JIT, workflow bundle caches, connection pools) before measuring.
    const measure = async (
      target: Target,
      mode: string,
      pause: number,
      concurrency: number,
      callsEach: number,
    ): Promise<Result> => {
      const charged = chargedTo(target);
      const cpuNow = (): Record<string, number> => ({
        ...Object.fromEntries(Object.entries(charged).map(([k, c]) => [k, cpuMsOfTree(c.pid!)])),
        callers: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      });
      const before = cpuNow();
      // PostgreSQL backends come and go, so its share is summed per backend between two snapshots.
      const postgresBefore = cpuMsByPid('postgres');
      const result = await drive(target, mode, optsFor(target, pause), concurrency, callsEach);
      // The workflows record calls after the callers heard their answers: wait for that to finish,
      // so runs do not overlap, and report how far behind the record was.
      if (target !== 'control') {
        const seconds = await catchUpSeconds(stack.databaseUrl, temporal);
        result.catchUpSeconds = seconds === null ? null : round1(seconds);
      }
      const after = cpuNow();
      const spent: Record<string, number> = {
        ...Object.fromEntries(Object.entries(after).map(([k, ms]) => [k, ms - before[k]!])),
        postgres: cpuMsBetween(postgresBefore, cpuMsByPid('postgres')),
      };
      const calls = Math.max(1, result.completedCalls);
      result.cpuMsPerCall = Object.fromEntries(
        Object.entries(spent).map(([k, ms]) => [k, Math.round(ms / calls)]),
      );
      return result;
    };
    for (const target of targets) await measure(target, 'warmup', 0, 5, 4);

    const results: Result[] = [];
    if (values.mode !== 'saturation') {
      for (const target of targets) {
        results.push(await measure(target, `paced ${pauseMs}ms`, pauseMs, calls, rounds));
      }
    }
    if (values.mode !== 'paced') {
      for (const level of levels) {
        for (const target of targets) {
          results.push(
            await measure(
              target,
              'saturation',
              0,
              level,
              Math.max(1, Math.round(perLevel / level)),
            ),
          );
        }
      }
    }
    const sustained = (target: string): Result | undefined =>
      results
        .filter(
          (r) => r.target === target && r.mode === 'saturation' && r.p99 <= 200 && r.errors === 0,
        )
        .sort((a, b) => b.callsPerSecond - a.callsPerSecond)[0];

    console.table(
      results.map((r) => ({
        target: r.target,
        mode: r.mode,
        conc: r.concurrency,
        calls: `${r.completedCalls}/${r.calls}`,
        reqs: r.requests,
        err: r.errors,
        fallback: r.fallbacks,
        'p50 ms': r.p50,
        'p95 ms': r.p95,
        'p99 ms': r.p99,
        'max ms': r.max,
        'calls/s': r.callsPerSecond,
        'req/s': r.requestsPerSecond,
        'catch-up s': r.catchUpSeconds ?? '-',
        'cpu ms/call': Object.entries(r.cpuMsPerCall ?? {})
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      })),
    );
    const summary = {
      machine: { cpus: os.cpus().length, node: process.version },
      background: background.join(' ') || 'same CPUs and priority as the webhook server',
      results,
      maxSustainedCallsPerSecondWithP99Under200ms: Object.fromEntries(
        targets.map((t) => [t, sustained(t)?.callsPerSecond ?? null]),
      ),
    };
    // --json: one line, last, for scripts; otherwise indented for a reader.
    console.log(values.json ? JSON.stringify(summary) : JSON.stringify(summary, null, 2));
  } finally {
    await temporal.connection.close();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
