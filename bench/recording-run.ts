import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../src/config';
import { createPool, type Db } from '../src/db/pool';
import { IvrRegistry } from '../src/ivr/registry';
import { validateIvr } from '../src/ivr/validate';
import { buildApp } from '../src/server/app';
import { buildSimulator, type Simulator } from '../src/sim';
import { freePort } from '../test/helpers/dev-server';
import { startFakeDeepgram, type FakeDeepgram } from '../test/fakes/deepgram';
import { startProcess, startStack, type Stack } from './stack';

const ACCOUNT_SID = 'AC' + 'b'.repeat(32);
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';

/** The environment the webhook server and the worker process share. */
export interface BenchEnv {
  stack: Stack;
  sim: Simulator;
  db: Db;
  config: Config;
  env: Record<string, string>;
  deepgram?: FakeDeepgram;
  stop(): Promise<void>;
}

/**
 * A real stack for the recording pipeline: dev server, database, the simulator (Twilio), the
 * webhook server in this process, and local storage. The worker runs as its own process per
 * phase so its memory is measured alone.
 */
export async function startBenchEnv(transcriber: 'fake-cloud' | 'pocketsphinx'): Promise<BenchEnv> {
  const stack = await startStack('switchboard_bench_recordings_test');
  const sim = buildSimulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, seed: 5 });
  const simUrl = await sim.start(0);
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-rec-'));
  const deepgram = transcriber === 'fake-cloud' ? await startFakeDeepgram() : undefined;
  const env: Record<string, string> = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: 'bench-recordings',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: simUrl,
    TWILIO_REST_RATE_PER_SECOND: '200',
    LOG_LEVEL: 'warn',
    WORKER_METRICS_PORT: '0',
    TEMPORAL_SDK_METRICS_PORT: '0',
    INBOX_RELAY_INTERVAL_MS: '100',
    INBOX_BATCH_WINDOW_MS: '0',
    RECORDING_LOCAL_DIR: path.join(dir, 'objects'),
    RECORDING_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    RECORDING_ENCRYPTION_KEY_ID: 'bench',
    RECORDING_MAX_CONCURRENT_TRANSFERS: '8',
    ...(deepgram
      ? {
          TRANSCRIPTION_PROVIDERS: 'deepgram',
          DEEPGRAM_API_KEY: deepgram.apiKey,
          DEEPGRAM_BASE_URL: deepgram.baseUrl,
        }
      : { TRANSCRIPTION_PROVIDERS: 'pocketsphinx' }),
  };
  const config = loadConfig(env);
  const db = createPool(stack.databaseUrl, 4);
  const ivr = validateIvr(
    JSON.parse(
      readFileSync(
        path.resolve(__dirname, '..', 'test', 'fixtures', 'ivrs', 'test-line.json'),
        'utf8',
      ),
    ),
  );
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const app = await buildApp({
    config,
    db,
    temporal,
    ivrs: IvrRegistry.fromDefinitions({ '*': ivr }),
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port });
  return {
    stack,
    sim,
    db,
    config,
    env,
    ...(deepgram ? { deepgram } : {}),
    async stop() {
      await app.close();
      await sim.close();
      await connection.close();
      await db.end();
      await deepgram?.close();
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process now, from /proc (MB). */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

export interface PhaseResult {
  name: string;
  recordings: number;
  bytes: number;
  completed: number;
  seconds: number;
  /** The worker's RSS once it was polling, before the first recording. */
  startRssMb: number;
  peakRssMb: number;
}

/**
 * One phase: a fresh worker process, `count` voicemails of `bytes` each placed `concurrency` at a
 * time through the simulator, then wait until every recording is stored, verified and Twilio's
 * copy deleted. The worker's RSS is sampled every 100 ms from its start to the end.
 */
export async function runPhase(
  b: BenchEnv,
  name: string,
  count: number,
  bytes: number,
  concurrency: number,
  timeoutMs: number,
): Promise<PhaseResult> {
  const worker = startProcess('src/worker/main.ts', { ...b.env, LOG_LEVEL: 'info' }, [], 'pipe');
  // Bundling the workflow code at start costs more memory than any recording: the peak that
  // says whether media is streamed is the one after the worker is up.
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    worker.stdout!.on('data', (c: Buffer) => {
      seen = (seen + c.toString()).slice(-4096);
      if (seen.includes('worker started')) resolve();
    });
    worker.once('exit', () => reject(new Error('the worker process exited at start')));
  });
  const startRssMb = rssMb(worker.pid!);
  let peak = startRssMb;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(worker.pid!))), 100);
  const started = Date.now();
  const sids: string[] = [];
  b.sim.setParty('+15005550101', { answer: 'no-answer' });
  let next = 0;
  const place = async (): Promise<void> => {
    while (next < count) {
      next++;
      const run = await b.sim.placeInboundCall({
        to: '+15005550006',
        from: '+14155550100',
        voiceUrl: `${b.config.PUBLIC_BASE_URL}/voice/inbound`,
        script: { gathers: [{ digits: '1' }], records: [{ sizeBytes: bytes }] },
      });
      const sid = run.transcript.of('recording')[0]?.recordingSid;
      if (sid) sids.push(sid);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, place));
  let completed = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await b.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM recordings
        WHERE recording_sid = ANY($1) AND verified_at IS NOT NULL AND twilio_deleted_at IS NOT NULL
          AND retain_until IS NOT NULL`,
      [sids],
    );
    completed = Number(rows[0]?.n ?? 0);
    if (completed >= sids.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  return {
    name,
    recordings: count,
    bytes,
    completed,
    seconds,
    startRssMb: Math.round(startRssMb * 10) / 10,
    peakRssMb: Math.round(peak * 10) / 10,
  };
}
