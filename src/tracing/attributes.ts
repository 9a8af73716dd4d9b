import { ROOT_CONTEXT, trace, TraceFlags, type Attributes, type Context } from '@opentelemetry/api';
import { callSidOf } from '../../workflows/shared/ids';

/** Span attribute names, spelled as Twilio spells the parameters so a search uses one word. */
export const SpanAttr = {
  CallSid: 'CallSid',
  RecordingSid: 'RecordingSid',
  ConferenceName: 'ConferenceName',
  CampaignId: 'CampaignId',
  WebhookMode: 'switchboard.webhook_mode',
} as const;

const CALL_SID = /^CA([0-9a-f]{32})$/;
const RECORDING_SID = /^RE[0-9a-f]{32}$/;
const CONFERENCE_SID = /^CF[0-9a-f]{32}$/;
// FriendlyName is chosen by whoever wrote the <Conference> TwiML: keep it short and printable.
const CONFERENCE_NAME = /^[\x20-\x7e]{1,128}$/;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The Twilio identifiers of a webhook's form body, each only when it has Twilio's shape: a forged
 * or malformed body never becomes a span attribute (or an index in the tracing backend).
 */
export function webhookAttributes(body: unknown): Attributes {
  if (typeof body !== 'object' || body === null) return {};
  const params = body as Record<string, unknown>;
  const attributes: Attributes = {};
  const callSid = str(params.CallSid);
  if (callSid && CALL_SID.test(callSid)) attributes[SpanAttr.CallSid] = callSid;
  const recordingSid = str(params.RecordingSid);
  if (recordingSid && RECORDING_SID.test(recordingSid)) {
    attributes[SpanAttr.RecordingSid] = recordingSid;
  }
  // Conference status callbacks name the room in FriendlyName, beside its ConferenceSid.
  const conferenceSid = str(params.ConferenceSid);
  const name = str(params.FriendlyName);
  if (conferenceSid && CONFERENCE_SID.test(conferenceSid) && name && CONFERENCE_NAME.test(name)) {
    attributes[SpanAttr.ConferenceName] = name;
  }
  return attributes;
}

/** The business keys a workflow id carries (`call-{CallSid}`), for workflow and activity spans. */
export function workflowAttributes(workflowId: string): Attributes {
  const callSid = callSidOf(workflowId);
  return callSid && CALL_SID.test(callSid) ? { [SpanAttr.CallSid]: callSid } : {};
}

/**
 * The parent of every webhook span of a call. Twilio sends no trace context, so each webhook of a
 * call (inbound, each action, each status callback) would start a trace of its own; instead the
 * trace id is the CallSid's 32 hex digits, and all of them (and the workflow and activity spans
 * they propagate to) make one trace per call, which an operator finds from the CallSid alone.
 * The parent span itself is never exported: it stands for the call.
 */
export function callTraceContext(callSid: string): Context | undefined {
  const hex = CALL_SID.exec(callSid)?.[1];
  if (!hex) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: hex,
    spanId: hex.slice(0, 16),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** The trace id of a call's trace (see callTraceContext). */
export function callTraceId(callSid: string): string | undefined {
  return CALL_SID.exec(callSid)?.[1];
}
