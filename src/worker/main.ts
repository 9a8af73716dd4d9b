import 'dotenv/config';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig, type Config } from '../config';
import { createPool, type Db } from '../db/pool';
import { IvrRegistry } from '../ivr/registry';
import { createLogger } from '../logger';
import { createCallDeliverer } from '../inbox/call-deliverer';
import { createCampaignDeliverer } from '../inbox/campaign-deliverer';
import { campaignActivityConfig, rehearsalAllowed } from '../campaign/config';
import { createConferenceDeliverer } from '../inbox/conference-deliverer';
import type { Deliverer, InboxLog } from '../inbox/deliverer';
import { startMetricsServer } from '../metrics/http-server';
import { registerInboxMetrics } from '../metrics/inbox';
import { temporalSdkMetrics } from '../metrics/temporal-sdk';
import { startInboxRelay } from '../inbox/relay';
import { currentTracing, startTracing } from '../tracing/sdk';
import { tracingClientInterceptors } from '../tracing/client';
import { createWorker } from './create-worker';
import { createSendGate } from '../campaign/send-gate';
import { createTwilioWorker, twilioClientFromConfig } from './twilio-worker';
import { recordingDeliverer, recordingDepsFromConfig } from './recording';

/**
 * The callback inbox relay lives in the worker process, off the webhook server's event loop: it
 * delivers journaled steps and kept status callbacks to their workflows, and shares the worker's
 * fate (no worker, no progress). Its client shares the worker's connection, so a call it starts runs
 * its first workflow task here at once (eager start) instead of going round through the task queue.
 */
function callDeliverer(
  config: Config,
  connection: NativeConnection,
  db: Db,
  log: InboxLog,
): Deliverer {
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: tracingClientInterceptors(currentTracing()),
  });
  const ivrs = new IvrRegistry();
  return createCallDeliverer({
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ivrs: (id, version) => ivrs.version(db, id, version),
    log,
    eagerStart: true,
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Before createWorker, which adds the tracing interceptors and span sink only if it is on.
  const tracing = startTracing(config, 'switchboard-worker');
  const log = createLogger(config.LOG_LEVEL).child({ process: 'worker' });
  const db = createPool(config.DATABASE_URL);
  const gateDb = createPool(config.DATABASE_URL, 3);
  // The SDK's runtime takes its telemetry once, before the first connection creates it.
  if (config.TEMPORAL_SDK_METRICS_PORT !== 0) {
    Runtime.install({
      telemetryOptions: temporalSdkMetrics(config.HTTP_HOST, config.TEMPORAL_SDK_METRICS_PORT),
    });
  }
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: {
      db,
      campaign: campaignActivityConfig(config),
      recording: recordingDepsFromConfig(config, log),
    },
  });
  const twilioWorker = await createTwilioWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TWILIO_TASK_QUEUE,
    ratePerSecond: config.TWILIO_REST_RATE_PER_SECOND,
    twilio: twilioClientFromConfig(config),
    rehearsal: rehearsalAllowed(config),
    // Its own connections: a grant or an answer queued behind bookkeeping would hold the gate.
    sendGate: createSendGate(gateDb, {
      accountSid: config.TWILIO_ACCOUNT_SID,
      cps: config.TWILIO_ACCOUNT_CPS,
      onError: (err) => log.warn({ err }, 'send gate: an answer was not recorded; it expires'),
    }),
  });
  const call = callDeliverer(config, connection, db, log);
  const campaign = createCampaignDeliverer(
    new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
  );
  const recording = recordingDeliverer(
    config,
    new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
    log,
  );
  const conference = createConferenceDeliverer({
    temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    log,
  });
  const families = [call, campaign, recording, conference];
  registerInboxMetrics(
    db,
    families.map((d) => d.family),
  );
  const metrics =
    config.WORKER_METRICS_PORT === 0
      ? undefined
      : await startMetricsServer(config.HTTP_HOST, config.WORKER_METRICS_PORT);
  const stopRelay = startInboxRelay(
    {
      db,
      deliverers: families,
      log,
      windowMs: config.INBOX_BATCH_WINDOW_MS,
      maxAttempts: config.INBOX_MAX_ATTEMPTS,
    },
    config.INBOX_RELAY_INTERVAL_MS,
  );
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, twilioTaskQueue: config.TEMPORAL_TWILIO_TASK_QUEUE },
    'worker started',
  );
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets running tasks finish.
  await Promise.all([worker.run(), twilioWorker.run()]);
  await stopRelay();
  await metrics?.close();
  await connection.close();
  await db.end();
  await gateDb.end();
  await tracing?.shutdown();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
