import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import type { IvrRegistry } from '../ivr/registry';
import { agentsPlugin } from './agents/plugin';
import { campaignPlugin } from './campaign/plugin';
import { registerErrorHandler } from './errors';
import { DEBUGGER_PREFIX, debuggerPlugin } from './debugger/plugin';
import { healthRoutes } from './health';
import { webhookTracing } from './tracing/plugin';
import { metricsPlugin } from './metrics/plugin';
import { webhookMetricsHook } from '../metrics/webhook';
import { OPS_PREFIX, opsPlugin } from './ops/plugin';
import { SMS_PREFIX, smsPlugin, type ConsentHook } from './sms/plugin';
import { VOICE_PREFIX, voicePlugin } from './voice/plugin';
import { recordingPlugin } from './recording/plugin';
import { CONFERENCE_PREFIX, conferencePlugin } from './conference/plugin';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    temporal: Client;
    ivrs: IvrRegistry;
  }
}

export interface AppDeps {
  config: Config;
  db: Db;
  temporal: Client;
  ivrs: IvrRegistry;
  /** Told of every STOP/START once it is recorded (see src/server/sms/plugin.ts). */
  onConsentChange?: ConsentHook;
  logger?: FastifyBaseLogger | false;
}

/** The webhook server, built but never listening: main.ts listens, tests use inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const options = {
    bodyLimit: 64 * 1024,
    trustProxy: deps.config.TRUSTED_PROXIES.length > 0 ? [...deps.config.TRUSTED_PROXIES] : false,
    // Request URLs carry replay tokens and bodies carry digits; routes log what is safe themselves.
    logController: new LogController({ disableRequestLogging: true }),
  };
  const app: FastifyInstance = deps.logger
    ? Fastify({ ...options, loggerInstance: deps.logger })
    : Fastify({ ...options, logger: false });
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('temporal', deps.temporal);
  app.decorate('ivrs', deps.ivrs);
  registerErrorHandler(app);
  app.addHook('onResponse', webhookMetricsHook(deps.config.WEBHOOK_MODE));
  // Twilio only sends forms: any other body (JSON, text) is refused with 415 before it is parsed.
  app.removeAllContentTypeParsers();
  await app.register(formbody);
  healthRoutes(app);
  webhookTracing(app);
  await app.register(metricsPlugin);
  await app.register(voicePlugin, { prefix: VOICE_PREFIX });
  await app.register(agentsPlugin, { prefix: VOICE_PREFIX });
  await app.register(recordingPlugin, { prefix: VOICE_PREFIX });
  await app.register(opsPlugin, { prefix: OPS_PREFIX });
  await app.register(debuggerPlugin, { prefix: DEBUGGER_PREFIX });
  await app.register(smsPlugin, {
    prefix: SMS_PREFIX,
    ...(deps.onConsentChange ? { onConsentChange: deps.onConsentChange } : {}),
  });
  await app.register(campaignPlugin);
  await app.register(conferencePlugin, { prefix: CONFERENCE_PREFIX });
  return app;
}
