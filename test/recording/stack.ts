import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db/pool';
import { createCallDeliverer } from '../../src/inbox/call-deliverer';
import { startInboxRelay } from '../../src/inbox/relay';
import { IvrRegistry } from '../../src/ivr/registry';
import { buildApp } from '../../src/server/app';
import { buildSimulator, type Simulator } from '../../src/sim';
import {
  keyRingFromConfig,
  storageFromConfig,
  type KeyRing,
  type ObjectStorage,
} from '../../src/storage';
import type { Transcriber } from '../../src/transcription/types';
import { redact } from '../../src/redaction/redact';
import { transcriberFromConfig } from '../../src/transcription';
import { createWorker } from '../../src/worker/create-worker';
import { recordingDeliverer } from '../../src/worker/recording';
import { createTwilioWorker, twilioClientFromConfig } from '../../src/worker/twilio-worker';
import { freePort } from '../helpers/dev-server';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  loadIvr,
  nativeConnection,
  temporalClient,
  testConfig,
  testDb,
  workflowBundle,
} from '../helpers/env';

/** A fresh 32-byte key as `id:base64`. */
export const newKey = (id: string): string => `${id}:${randomBytes(32).toString('base64')}`;

export interface RecordingStackOptions {
  /** Extra config (storage, keys); local storage in a temporary directory by default. */
  env?: Record<string, string>;
  /** The transcriber; by default the configured chain (pocketsphinx). */
  transcriber?: Transcriber;
  simSeed?: number;
  /** Another Temporal (a dev server a test stops and starts); the shared one by default. */
  temporalAddress?: string;
  /** Where the recording activities fetch media (a proxy that breaks transfers); the simulator by default. */
  mediaBaseUrl?: (simUrl: string) => Promise<string> | string;
}

/**
 * Everything a recording goes through: the simulator (Twilio), the webhook server, the inbox
 * relay with the call and recording deliverers, the main worker with recording activities and
 * the Twilio REST worker, on the shared dev server and the test database.
 */
export class RecordingStack {
  private workers: Worker[] = [];
  private running: Promise<void>[] = [];
  private stopRelay?: () => Promise<void>;

  private constructor(
    readonly config: Config,
    readonly app: FastifyInstance,
    readonly db: Db,
    readonly client: Client,
    readonly sim: Simulator,
    readonly storage: ObjectStorage,
    readonly keys: KeyRing,
    private readonly connection: NativeConnection,
    private readonly transcriber: Transcriber | undefined,
    private readonly dir: string,
    private readonly mediaBaseUrl: string,
  ) {}

  static async start(opts: RecordingStackOptions = {}): Promise<RecordingStack> {
    const sim = buildSimulator({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      seed: opts.simSeed ?? Math.floor(Math.random() * 1e9),
    });
    const simUrl = await sim.start(0);
    const port = await freePort();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-rec-test-'));
    const config = testConfig({
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      HTTP_PORT: String(port),
      TWILIO_API_BASE_URL: simUrl,
      TEMPORAL_ADDRESS: opts.temporalAddress ?? inject('temporalAddress'),
      TEMPORAL_TWILIO_TASK_QUEUE: `test-twilio-${randomBytes(4).toString('hex')}`,
      RECORDING_LOCAL_DIR: path.join(dir, 'objects'),
      RECORDING_ENCRYPTION_KEYS: newKey('k1'),
      RECORDING_ENCRYPTION_KEY_ID: 'k1',
      ...opts.env,
    });
    const db = testDb();
    const client = await temporalClient(config.TEMPORAL_ADDRESS);
    const connection = await nativeConnection(config.TEMPORAL_ADDRESS);
    const mediaBaseUrl = opts.mediaBaseUrl ? await opts.mediaBaseUrl(simUrl) : simUrl;
    const ivrs = IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') });
    const app = await buildApp({ config, db, temporal: client, ivrs, logger: false });
    await app.listen({ host: '127.0.0.1', port });
    const stack = new RecordingStack(
      config,
      app,
      db,
      client,
      sim,
      storageFromConfig(config),
      keyRingFromConfig(config),
      connection,
      opts.transcriber,
      dir,
      mediaBaseUrl,
    );
    stack.startRelay();
    await stack.startWorkers();
    return stack;
  }

  /** The relay alone (as in the worker process); tests stop it to keep callbacks in the inbox. */
  startRelay(): void {
    const relayClient = new Client({ connection: this.connection, namespace: 'default' });
    const call = createCallDeliverer({
      db: this.db,
      temporal: relayClient,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      ivrs: () => Promise.resolve(loadIvr('test-line')),
      log: this.app.log,
    });
    this.stopRelay = startInboxRelay(
      {
        db: this.db,
        deliverers: [call, recordingDeliverer(this.config, relayClient, this.app.log)],
        log: this.app.log,
        retryBaseMs: 100,
        retryMaxMs: 500,
      },
      100,
    );
  }

  async pauseRelay(): Promise<void> {
    await this.stopRelay?.();
    this.stopRelay = undefined;
  }

  recordingDeps(): NonNullable<ActivityDeps['recording']> {
    const { config } = this;
    return {
      storage: this.storage,
      keys: this.keys,
      transcriber: this.transcriber ?? transcriberFromConfig(config),
      redact,
      twilio: {
        accountSid: config.TWILIO_ACCOUNT_SID,
        authToken: config.TWILIO_AUTH_TOKEN,
        apiBaseUrl: this.mediaBaseUrl,
      },
      maxConcurrent: 4,
    };
  }

  async startWorkers(): Promise<void> {
    const main = await createWorker({
      connection: this.connection,
      namespace: 'default',
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      deps: { db: this.db, recording: this.recordingDeps() },
      workflowBundle: await workflowBundle(),
    });
    const twilio = await createTwilioWorker({
      connection: this.connection,
      namespace: 'default',
      taskQueue: this.config.TEMPORAL_TWILIO_TASK_QUEUE,
      ratePerSecond: 50,
      twilio: twilioClientFromConfig(this.config),
    });
    this.workers = [main, twilio];
    this.running = this.workers.map((w) => w.run());
  }

  /** Stops both workers as a crash would leave things: workflows stay where they were. */
  async stopWorkers(): Promise<void> {
    for (const w of this.workers) w.shutdown();
    await Promise.all(this.running);
    this.workers = [];
  }

  async stop(): Promise<void> {
    await this.pauseRelay();
    await this.stopWorkers();
    await this.app.close();
    await this.sim.close();
    await this.connection.close();
    await this.client.connection.close();
    await this.db.end();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export const databaseUrl = (): string => inject('databaseUrl');
