import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { migrate, recreateDatabase } from '../../src/db/migrate';
import { createPool, type Db } from '../../src/db/pool';
import { IvrRegistry } from '../../src/ivr/registry';
import { buildApp } from '../../src/server/app';
import { buildSimulator, type Simulator } from '../../src/sim';
import { createWorker } from '../../src/worker/create-worker';
import { createTwilioWorker, twilioClientFromConfig } from '../../src/worker/twilio-worker';
import { freePort } from '../helpers/dev-server';
import { nativeConnection, temporalClient, testConfig, workflowBundle } from '../helpers/env';

export const ROUTED_NUMBER = '+15005550006';

/** Everything a deployment has, healthy: simulator, both workers, the webhook server, a routed number. */
export interface DoctorStack {
  sim: Simulator;
  /** The environment a healthy deployment runs with; faults override one variable. */
  env: Record<string, string>;
  /** Starts another webhook server of the same deployment (another PUBLIC_BASE_URL or proxies). */
  startApp(overrides: Record<string, string>): Promise<{ url: string; app: FastifyInstance }>;
  close(): Promise<void>;
}

export async function startDoctorStack(): Promise<DoctorStack> {
  const sim = buildSimulator({ seed: 14, webhookTimeoutMs: 2000 });
  const simUrl = await sim.start(0);
  const id = Math.random().toString(36).slice(2, 10);
  // A database of its own: the doctor reads every routed number, and other test files leave routes
  // in the shared one.
  const databaseUrl = new URL(inject('databaseUrl'));
  databaseUrl.pathname = databaseUrl.pathname.replace(/_test$/, '_doctor_stack_test');
  await recreateDatabase(databaseUrl.toString());
  await migrate(databaseUrl.toString());
  const base: Record<string, string> = {
    DATABASE_URL: databaseUrl.toString(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `doctor-${id}`,
    TEMPORAL_TWILIO_TASK_QUEUE: `doctor-twilio-${id}`,
    TWILIO_ACCOUNT_SID: sim.accountSid,
    TWILIO_AUTH_TOKEN: sim.authToken,
    TWILIO_API_BASE_URL: simUrl,
    LOG_LEVEL: 'silent',
  };
  const db: Db = createPool(databaseUrl.toString(), 4);
  const client: Client = await temporalClient();
  const apps: FastifyInstance[] = [];
  const startApp = async (overrides: Record<string, string>) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = testConfig({ ...base, PUBLIC_BASE_URL: url, ...overrides });
    const app = await buildApp({ config, db, temporal: client, ivrs: new IvrRegistry() });
    await app.listen({ host: '127.0.0.1', port });
    apps.push(app);
    return { url, app };
  };
  const { url } = await startApp({});
  const env = { ...base, PUBLIC_BASE_URL: url };

  const connection: NativeConnection = await nativeConnection();
  const config = testConfig(env);
  const workers: Worker[] = [
    await createWorker({
      connection,
      namespace: 'default',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps: { db },
      workflowBundle: await workflowBundle(),
    }),
    await createTwilioWorker({
      connection,
      namespace: 'default',
      taskQueue: config.TEMPORAL_TWILIO_TASK_QUEUE,
      ratePerSecond: 10,
      twilio: twilioClientFromConfig(config),
    }),
  ];
  const running = workers.map((w) => w.run());

  await db.query(
    `INSERT INTO number_routes (phone_number, ivr_id) VALUES ($1, 'main') ON CONFLICT DO NOTHING`,
    [ROUTED_NUMBER],
  );
  sim.addNumber({
    phoneNumber: ROUTED_NUMBER,
    voiceUrl: `${url}/voice/inbound`,
    statusCallback: `${url}/voice/status`,
  });

  return {
    sim,
    env,
    startApp,
    async close() {
      for (const w of workers) w.shutdown();
      await Promise.all(running);
      await connection.close();
      await Promise.all(apps.map((a) => a.close()));
      await client.connection.close();
      await db.end();
      await sim.close();
    },
  };
}

/**
 * A reverse proxy in front of `target` that, like many load balancers, sends the upstream's own
 * Host and puts the public one in X-Forwarded-Host and X-Forwarded-Proto.
 */
export async function startHostRewritingProxy(
  target: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          host: upstream.host,
          'x-forwarded-host': req.headers.host ?? '',
          'x-forwarded-proto': 'http',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // fetch keeps its connection alive; close() alone would wait for it to time out.
        server.closeAllConnections();
      }),
  };
}
