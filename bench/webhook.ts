/**
 * Webhook latency benchmark: `npm run bench:webhook -- [--calls 50] [--rounds 3] [--pause-ms 1000]`.
 * Runs the real stack (Temporal dev server, worker, webhook server, PostgreSQL) and, in the same
 * run, a stateless fastify control that renders the same TwiML without Temporal, then drives both
 * with signed simulated callers. Prints a table and a JSON document.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from '../src/db/pool';
import { routeNumber, saveIvr } from '../src/ivr/store';
import { readFileSync } from 'node:fs';
import { freePort } from '../src/temporal/dev-server';
import { placeCall, type CallerOptions, type Sample } from './caller';
import { startProcess, startStack, waitFor } from './stack';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    'pause-ms': { type: 'string', default: '1000' },
    levels: { type: 'string', default: '5,10,20,40,80' },
    'calls-per-level': { type: 'string', default: '200' },
    mode: { type: 'string', default: 'both' },
  },
});

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
}

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

async function main(): Promise<void> {
  const calls = Number(values.calls);
  const rounds = Number(values.rounds);
  const pauseMs = Number(values['pause-ms']);
  const levels = String(values.levels).split(',').map(Number);
  const perLevel = Number(values['calls-per-level']);

  const stack = await startStack('switchboard_bench_test');
  const db = createPool(stack.databaseUrl, 2);
  await saveIvr(db, JSON.parse(readFileSync(ivrFile, 'utf8')));
  await routeNumber(db, '*', 'test-line');
  await db.end();

  const [serverPort, baselinePort] = [await freePort(), await freePort()];
  const common = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: 'bench',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: '',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  const servers = {
    switchboard: { port: serverPort, ready: '/readyz' },
    baseline: { port: baselinePort, ready: '/healthz' },
  };
  stack.children.push(startProcess('src/worker/main.ts', common));
  stack.children.push(
    startProcess('src/server/main.ts', {
      ...common,
      HTTP_PORT: String(serverPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${serverPort}`,
    }),
  );
  stack.children.push(
    startProcess('bench/baseline-main.ts', {
      ...common,
      HTTP_PORT: String(baselinePort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${baselinePort}`,
      BENCH_IVR_FILE: ivrFile,
    }),
  );
  try {
    for (const s of Object.values(servers)) await waitFor(`http://127.0.0.1:${s.port}${s.ready}`);
    const optsFor = (target: keyof typeof servers, pause: number): CallerOptions => {
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
    for (const target of ['switchboard', 'baseline'] as const)
      await drive(target, 'warmup', optsFor(target, 0), 5, 4);

    const results: Result[] = [];
    if (values.mode !== 'saturation') {
      for (const target of ['switchboard', 'baseline'] as const) {
        results.push(
          await drive(target, `paced ${pauseMs}ms`, optsFor(target, pauseMs), calls, rounds),
        );
      }
    }
    if (values.mode !== 'paced') {
      for (const level of levels) {
        for (const target of ['switchboard', 'baseline'] as const) {
          results.push(
            await drive(
              target,
              'saturation',
              optsFor(target, 0),
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
      })),
    );
    const summary = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      results,
      maxSustainedCallsPerSecondWithP99Under200ms: {
        switchboard: sustained('switchboard')?.callsPerSecond ?? null,
        baseline: sustained('baseline')?.callsPerSecond ?? null,
      },
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
