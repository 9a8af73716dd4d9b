import type { FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { METRIC_PREFIX, metricsRegistry } from './registry';

/**
 * Twilio waits 15 s for a webhook and plays its own error (11200) after that; buckets cluster
 * below WEBHOOK_UPDATE_BUDGET_MS (3 s) where the update-mode fallback takes over.
 */
const WEBHOOK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15];

/** Labels stay bounded: a route template, never a URL that carries tokens or a CallSid. */
export const webhookDuration = new Histogram({
  name: `${METRIC_PREFIX}webhook_duration_seconds`,
  help: 'Time from a webhook request to its response, by route template, answer mode and status class.',
  labelNames: ['route', 'mode', 'status'] as const,
  buckets: WEBHOOK_BUCKETS,
  registers: [metricsRegistry],
});

export const webhookFallbacks = new Counter({
  name: `${METRIC_PREFIX}webhook_fallbacks_total`,
  help: 'Webhooks answered with hold-and-retry TwiML because the workflow did not answer in time.',
  labelNames: ['route'] as const,
  registers: [metricsRegistry],
});

/** Why a request's X-Twilio-Signature was refused (twilio-signature.ts). */
export type SignatureRejection = 'missing' | 'malformed' | 'mismatch';

export const signatureRejections = new Counter({
  name: `${METRIC_PREFIX}signature_rejections_total`,
  help: 'Webhook requests refused for their X-Twilio-Signature: missing, malformed or not matching.',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/** Routes fastify matched; anything else (scanners, typos) shares one label value. */
const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

/**
 * Which answer strategy a webhook went to: an action URL minted in journal mode carries `st` and
 * stays journaled (voice/event.ts); a call's first webhook follows WEBHOOK_MODE.
 */
export function webhookMode(request: FastifyRequest, configured: string): string {
  const route = routeOf(request);
  if (route.endsWith('/event')) {
    const query = request.query as Record<string, unknown> | undefined;
    return typeof query?.st === 'string' ? 'journal' : 'update';
  }
  return route.endsWith('/inbound') ? configured : 'none';
}

/**
 * The onResponse hook's work: one observation per request, labelled by template and class. Twilio
 * posts every webhook here (the server refuses anything but a form), while scrapes and health
 * probes are GETs: leaving them out keeps the histogram about Twilio.
 */
export function observeWebhook(
  request: FastifyRequest,
  reply: FastifyReply,
  configuredMode: string,
): void {
  if (request.method !== 'POST') return;
  const route = routeOf(request);
  webhookDuration.observe(
    {
      route,
      mode: webhookMode(request, configuredMode),
      status: `${Math.floor(reply.statusCode / 100)}xx`,
    },
    reply.elapsedTime / 1000,
  );
}

/** Counted where answer.ts answers the hold-and-retry TwiML. */
export function countFallback(request: FastifyRequest): void {
  webhookFallbacks.inc({ route: routeOf(request) });
}

/** The hook app.ts adds to the root instance, so every route (and 404s) is observed. */
export function webhookMetricsHook(configuredMode: string): onResponseHookHandler {
  return (request, reply, done) => {
    observeWebhook(request, reply, configuredMode);
    done();
  };
}
