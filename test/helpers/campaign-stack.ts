import { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { createTwilioActivities } from '../../activities/twilio';
import { createSendGate } from '../../src/campaign/send-gate';
import { campaignActivityConfig } from '../../src/campaign/config';
import { campaignConsentHook } from '../../src/campaign/opt-out';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db/pool';
import { createCallDeliverer } from '../../src/inbox/call-deliverer';
import { createCampaignDeliverer } from '../../src/inbox/campaign-deliverer';
import { startInboxRelay } from '../../src/inbox/relay';
import { IvrRegistry } from '../../src/ivr/registry';
import { saveIvr } from '../../src/ivr/store';
import { buildApp } from '../../src/server/app';
import { buildSimulator, type Simulator } from '../../src/sim';
import { createTwilioClient } from '../../src/twilio/client';
import { createWorker } from '../../src/worker/create-worker';
import { Worker as TemporalWorker } from '@temporalio/worker';
import type { IvrDefinition } from '../../workflows/ivr/types';
import { freePort } from './dev-server';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  nativeConnection,
  temporalClient,
  testConfig,
  testDb,
  workflowBundle,
} from './env';

type TwilioActivities = ReturnType<typeof createTwilioActivities>;

/**
 * Everything a campaign needs, in process: the simulator as Twilio, the webhook server listening,
 * a main worker with the campaign activities, a Twilio REST worker on its own queue, the inbox relay
 * with the call and campaign deliverers, and the IVR stored in PostgreSQL.
 */
export class CampaignStack {
  private worker?: Worker;
  private twilioWorker?: Worker;
  private running: Promise<void>[] = [];
  private stopRelay?: () => Promise<void>;
  readonly twilioTaskQueue = `twilio-${Math.random().toString(36).slice(2, 10)}`;
  private env: Record<string, string> = {};

  private constructor(
    readonly config: Config,
    readonly app: FastifyInstance,
    readonly db: Db,
    readonly client: Client,
    readonly sim: Simulator,
    private readonly connection: NativeConnection,
  ) {}

  /**
   * `workers: 'process'` leaves the workers and the inbox relay out: the test runs the real worker
   * (`src/worker/main.ts`) as a child process, with `workerEnv()`, so it can kill it.
   */
  static async start(
    ivr: IvrDefinition,
    overrides: Record<string, string> = {},
    opts: { workers?: 'in-process' | 'process' } = {},
  ): Promise<CampaignStack> {
    const sim = buildSimulator({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      seed: Math.floor(Math.random() * 1e6),
    });
    const simBase = await sim.start(0);
    const port = await freePort();
    const env = {
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      HTTP_PORT: String(port),
      TWILIO_API_BASE_URL: simBase,
      TWILIO_ACCOUNT_CPS: '50',
      CALL_LINGER_SECONDS: '1',
      ...overrides,
    };
    const config = testConfig(env);
    const db = testDb();
    await saveIvr(db, ivr);
    const client = await temporalClient(inject('temporalAddress'));
    const connection = await nativeConnection(inject('temporalAddress'));
    const ivrs = IvrRegistry.fromDefinitions({ '*': ivr });
    const app = await buildApp({
      config,
      db,
      temporal: client,
      ivrs,
      logger: false,
      onConsentChange: campaignConsentHook,
    });
    await app.listen({ host: '127.0.0.1', port });
    const stack = new CampaignStack(config, app, db, client, sim, connection);
    stack.env = { ...env, TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE };
    if (opts.workers === 'process') return stack;
    const relayClient = new Client({ connection, namespace: 'default' });
    const call = createCallDeliverer({
      db,
      temporal: relayClient,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      ivrs: (id, version) => ivrs.version(db, id, version),
      log: app.log,
    });
    stack.stopRelay = startInboxRelay(
      {
        db,
        deliverers: [call, createCampaignDeliverer(relayClient)],
        log: app.log,
        windowMs: 0,
        maxAttempts: 50,
      },
      100,
    );
    await stack.startWorker();
    await stack.startTwilioWorker();
    return stack;
  }

  async startWorker(): Promise<void> {
    this.worker = await createWorker({
      connection: this.connection,
      namespace: 'default',
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      deps: { db: this.db },
      activities: createActivities({ db: this.db, campaign: campaignActivityConfig(this.config) }),
      workflowBundle: await workflowBundle(),
    });
    this.running.push(this.worker.run());
  }

  /** The Twilio REST worker; `wrap` lets a test stand between the workflow and Twilio. */
  async startTwilioWorker(
    wrap: (a: TwilioActivities) => TwilioActivities = (a) => a,
  ): Promise<void> {
    const twilio = createTwilioClient({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: this.config.TWILIO_API_BASE_URL,
    });
    this.twilioWorker = await TemporalWorker.create({
      connection: this.connection,
      namespace: 'default',
      taskQueue: this.twilioTaskQueue,
      activities: wrap(
        createTwilioActivities({
          twilio,
          rehearsal: true,
          sendGate: createSendGate(this.db, {
            accountSid: ACCOUNT_SID,
            cps: this.config.TWILIO_ACCOUNT_CPS,
          }),
        }),
      ),
      maxTaskQueueActivitiesPerSecond: 200,
      shutdownGraceTime: '100 ms',
    });
    this.running.push(this.twilioWorker.run());
  }

  /** Stops the Twilio worker; activities still running are abandoned as a crash would leave them. */
  async stopTwilioWorker(): Promise<void> {
    this.twilioWorker?.shutdown();
    this.twilioWorker = undefined;
    await new Promise((r) => setTimeout(r, 1000));
  }

  /** The environment a worker process needs to join this stack (as `npm run worker` reads it). */
  workerEnv(): Record<string, string> {
    return {
      ...this.env,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TEMPORAL_TWILIO_TASK_QUEUE: this.twilioTaskQueue,
      INBOX_RELAY_INTERVAL_MS: '100',
      LOG_LEVEL: 'warn',
      WORKER_METRICS_PORT: '0',
      TEMPORAL_SDK_METRICS_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    };
  }

  get baseUrl(): string {
    return this.config.PUBLIC_BASE_URL;
  }

  async stop(): Promise<void> {
    await this.stopRelay?.();
    this.worker?.shutdown();
    this.twilioWorker?.shutdown();
    await Promise.allSettled(this.running);
    await this.app.close();
    await this.sim.close();
    await this.connection.close();
    await this.client.connection.close();
    await this.db.end();
  }
}
