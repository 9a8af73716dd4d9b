import type { Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { currentTracing } from '../../tracing/sdk';
import { endWebhookSpan, startWebhookSpan, withWebhookSpan } from '../../tracing/webhook';

// Twilio's webhooks are POSTs; health and metrics GETs are not worth a span each.
const isWebhook = (route: RouteOptions): boolean =>
  route.method === 'POST' || (Array.isArray(route.method) && route.method.includes('POST'));

/**
 * A span per webhook, when this process traces (see src/tracing/sdk.ts); without tracing no hook
 * is added. Call it before the route plugins register: it wraps each webhook route's handler as the
 * route is added, so the span is the active context when the handler calls Temporal.
 */
export function webhookTracing(app: FastifyInstance): void {
  const tracing = currentTracing();
  if (!tracing) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  const mode = app.config.WEBHOOK_MODE;
  // preValidation: the body is parsed (the CallSid is known), the signature not yet checked, so a
  // request refused with 403 (a proxy rewriting the URL, a rotated token) gets its span too.
  app.addHook('preValidation', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && request.method === 'POST') {
      const facts = { method: request.method, route, mode, body: request.body };
      spans.set(request, startWebhookSpan(tracing, facts));
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) endWebhookSpan(span, reply.statusCode);
    done();
  });
  // Twilio gave up waiting (it waits 15 s for a voice webhook): the span ends without a status.
  app.addHook('onRequestAbort', (request, done) => {
    spans.get(request)?.end();
    done();
  });
  app.addHook('onRoute', (route) => {
    if (!isWebhook(route)) return;
    const handler = route.handler;
    route.handler = function traced(request, reply) {
      const span = spans.get(request);
      return span
        ? withWebhookSpan(span, () => handler.call(this, request, reply))
        : handler.call(this, request, reply);
    };
  });
}
