import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type {
  CallInput,
  CallStatusEvent,
  WebhookRequest,
} from '../../../workflows/call/definitions';
import { isWebhookRequest } from '../../../workflows/call/webhook-request';
import type { CallStatus } from '../../../workflows/shared/call-status';
import type { IvrDefinition } from '../../../workflows/ivr/types';
import type { IvrVariables } from '../../../workflows/ivr/variables';
import { HttpError } from '../errors';
import { optional, patterns, required, type Params } from '../twilio-params';

/**
 * Every Twilio parameter that reaches history or PostgreSQL is read here, checked against a
 * bounded pattern, and turned into the workflow's types: nothing else in the voice routes reads
 * a raw parameter.
 */

/** Who and what a call is, as every voice webhook states it: checked before anything else runs. */
export function callPartiesOf(
  params: Params,
): Omit<CallInput, 'ivr' | 'lingerSeconds' | 'variables'> {
  return {
    callSid: required(params, 'CallSid', patterns.CallSid),
    accountSid: required(params, 'AccountSid', patterns.AccountSid),
    from: optional(params, 'From', patterns.Address) ?? 'anonymous',
    to: required(params, 'To', patterns.Address),
    direction: optional(params, 'Direction', patterns.Direction) ?? 'inbound',
  };
}

/**
 * The call a request belongs to, with what starts its workflow; an answered campaign call brings
 * its contact's variables.
 */
export function callInputFor(
  params: Params,
  ivr: IvrDefinition,
  lingerSeconds: number,
  variables?: IvrVariables,
): CallInput {
  return { ...callPartiesOf(params), ivr, lingerSeconds, ...(variables ? { variables } : {}) };
}

/** What an action URL reports, as the workflow's request type; `on` says which verb ended. */
export function actionRequestFor(on: string, step: string, params: Params): WebhookRequest {
  const request = ((): WebhookRequest => {
    switch (on) {
      case 'gather': {
        const digits = optional(params, 'Digits', patterns.Digits);
        // Bounded so a fallback's replay token, which carries the request, fits in a bounded query.
        const speech = params.SpeechResult?.slice(0, 250);
        const confidence = Number(params.Confidence);
        return {
          kind: 'gather',
          step,
          ...(digits && digits !== 'hangup' ? { digits } : {}),
          ...(speech ? { speech } : {}),
          ...(Number.isFinite(confidence) && params.Confidence ? { confidence } : {}),
        };
      }
      case 'dial': {
        const duration = optional(params, 'DialCallDuration', patterns.Number);
        // A <Sip> leg's final response: what lets a carrier route fall back on a SIP error.
        const sip = optional(params, 'DialSipResponseCode', /^[1-6]\d{2}$/);
        return {
          kind: 'dial',
          step,
          status: optional(params, 'DialCallStatus', patterns.DialCallStatus) ?? 'failed',
          ...(duration ? { durationSeconds: Number(duration) } : {}),
          ...(sip ? { sipResponseCode: Number(sip) } : {}),
        };
      }
      case 'record': {
        const duration = optional(params, 'RecordingDuration', patterns.Number);
        const sid = optional(params, 'RecordingSid', patterns.RecordingSid);
        const url = params.RecordingUrl;
        return {
          kind: 'record',
          step,
          ...(url && /^https?:\/\/\S{1,400}$/.test(url) ? { recordingUrl: url } : {}),
          ...(sid ? { recordingSid: sid } : {}),
          ...(duration ? { durationSeconds: Number(duration) } : {}),
        };
      }
      case 'resume':
        return { kind: 'resume' };
      default:
        throw new HttpError('badRequest', 'unknown action kind');
    }
  })();
  if (!isWebhookRequest(request)) throw new HttpError('badRequest', 'malformed action parameters');
  return request;
}

/**
 * A status callback, keyed for deduplication. SequenceNumber orders a call's progress callbacks
 * where Twilio sends one; -1 says it did not, and the workflow falls back to Timestamp and rank.
 */
export function statusEventFor(params: Params): CallStatusEvent {
  const callSid = required(params, 'CallSid', patterns.CallSid);
  const callStatus = required(params, 'CallStatus', patterns.CallStatus) as CallStatus;
  const sequence = optional(params, 'SequenceNumber', patterns.SequenceNumber);
  const duration = optional(params, 'CallDuration', patterns.Number);
  const timestamp = Date.parse(params.Timestamp ?? '');
  return {
    // SequenceNumber is unique per call among its progress callbacks; without it, the status is.
    eventKey: `${callSid}:status:${sequence ?? callStatus}`,
    callStatus,
    sequenceNumber: sequence === undefined ? -1 : Number(sequence),
    timestamp: new Date(Number.isNaN(timestamp) ? Date.now() : timestamp).toISOString(),
    ...(duration ? { durationSeconds: Number(duration) } : {}),
  };
}

/**
 * The update id (and journal key) of a request: Twilio sends the same idempotency token on every
 * retry of one request, so the update runs once; without one, a hash of what the request says.
 */
export function requestKeyFor(
  request: FastifyRequest,
  callSid: string,
  parts: string[],
  params: Params,
): string {
  const token = request.headers['i-twilio-idempotency-token'];
  if (typeof token === 'string' && /^[\w.:-]{1,128}$/.test(token)) return `tw:${token}`;
  const digest = createHash('sha256')
    .update(
      [
        callSid,
        ...parts,
        ...Object.keys(params)
          .sort()
          .map((k) => `${k}=${params[k]}`),
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, 40);
  return `h:${digest}`;
}

/** The query of an action URL: which call, which step, which verb ended, and the tokens. */
export interface ActionQuery {
  wf: string;
  step: string;
  on: string;
  st: string;
  replay: string;
}

const STRING_QUERY = ['wf', 'step', 'on', 'st', 'replay'] as const;

export function actionQueryOf(query: unknown): ActionQuery {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const out = {} as Record<(typeof STRING_QUERY)[number], string>;
  for (const key of STRING_QUERY) out[key] = typeof q[key] === 'string' ? q[key] : '';
  return out;
}
