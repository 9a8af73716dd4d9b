import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import type { Tracing } from './sdk';
import { callTraceContext, SpanAttr, webhookAttributes } from './attributes';

export interface WebhookRequestFacts {
  method: string;
  /** The route pattern (`/voice/event`), never the URL: query strings carry replay tokens. */
  route: string;
  mode: string;
  /** The parsed form body, before its signature is checked. */
  body: unknown;
}

/**
 * A server span for one Twilio webhook, named by its route. A webhook of a call is a child of the
 * call's trace context, so every webhook of one call lands in one trace.
 */
export function startWebhookSpan(tracing: Tracing, facts: WebhookRequestFacts): Span {
  const attributes = webhookAttributes(facts.body);
  const callSid = attributes[SpanAttr.CallSid];
  const parent = (typeof callSid === 'string' && callTraceContext(callSid)) || context.active();
  return tracing.tracer.startSpan(
    `${facts.method} ${facts.route}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        ...attributes,
        [ATTR_HTTP_ROUTE]: facts.route,
        [ATTR_HTTP_REQUEST_METHOD]: facts.method,
        [SpanAttr.WebhookMode]: facts.mode,
      },
    },
    parent,
  );
}

/** Runs a route handler with the webhook span active, so Temporal client calls carry it. */
export function withWebhookSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** Ends the span with the status the caller got; a 5xx is an error Twilio will report as 11200. */
export function endWebhookSpan(span: Span, statusCode: number): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
  if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
