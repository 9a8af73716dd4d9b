import 'dotenv/config';
import { loadConfig } from '../config';
import { createPool } from '../db/pool';
import { IvrRegistry } from '../ivr/registry';
import { createLogger } from '../logger';
import { connectClient } from '../temporal/connect';
import { startTracing } from '../tracing/sdk';
import { buildApp } from './app';
import { campaignConsentHook } from '../campaign/opt-out';

const IVR_REFRESH_MS = 5000;

async function main(): Promise<void> {
  const config = loadConfig();
  // Before the Temporal client and the app: both install their tracing only if it is on.
  const tracing = startTracing(config, 'switchboard-server');
  const logger = createLogger(config.LOG_LEVEL).child({ process: 'server' });
  const db = createPool(config.DATABASE_URL);
  const temporal = await connectClient(config);
  const ivrs = new IvrRegistry();
  const refresh = (): Promise<void> =>
    ivrs
      .refresh(db, (ivrId, err) =>
        logger.error({ ivrId, err: err.message }, 'stored IVR is invalid; not served'),
      )
      .catch((err: Error) => logger.warn({ err: err.message }, 'could not refresh IVRs'));
  await refresh();
  const timer = setInterval(() => void refresh(), IVR_REFRESH_MS);

  const app = await buildApp({
    config,
    db,
    temporal,
    ivrs,
    logger,
    onConsentChange: campaignConsentHook,
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await temporal.connection.close();
    await db.end();
    await tracing?.shutdown();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      // close() stops accepting connections and waits for in-flight webhooks to answer.
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  logger.info({ url: config.PUBLIC_BASE_URL, routes: ivrs.size }, 'webhook server listening');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
