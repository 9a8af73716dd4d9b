import { WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keepCallStatus } from '../../inbox/call-rows';
import { CAMPAIGN_FAMILY } from '../../inbox/campaign-deliverer';
import { keepInInbox } from '../../inbox/store';
import { signalCall } from '../../temporal/call-start';
import {
  decodeOutboundToken,
  type OutboundRoute,
  type OutboundToken,
} from '../../campaign/webhook-token';
import {
  attemptCallSignal,
  attemptSmsSignal,
  type AttemptCallEvent,
  type AttemptSmsEvent,
} from '../../../workflows/attempt/definitions';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { HttpError } from '../errors';
import { withTimeout } from '../timeout';
import { formParams, optional, patterns, required } from '../twilio-params';
import { statusEventFor } from '../voice/input';

const ANSWERED_BY =
  /^(human|machine_start|machine_end_beep|machine_end_silence|machine_end_other|fax|unknown)$/;
const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
const MESSAGE_STATUS =
  /^(accepted|scheduled|queued|sending|sent|delivered|undelivered|failed|read|canceled|receiving|received)$/;

/** The attempt a callback belongs to, from its MACed token; 403 when it is not ours or stale. */
export function tokenOf(key: Buffer, route: OutboundRoute, request: FastifyRequest): OutboundToken {
  const { t } = request.query as { t?: unknown };
  const token = typeof t === 'string' ? decodeOutboundToken(key, route, t, new Date()) : undefined;
  if (!token) throw new HttpError('forbidden', 'missing, foreign or expired outbound token');
  return token;
}

/**
 * Hands a callback to its attempt: a signal when Temporal takes it, else the callback inbox (the
 * relay delivers it later). Twilio retries only what did not get a 2xx, so 503 when neither worked.
 */
async function deliver(
  app: FastifyInstance,
  attempt: string,
  row:
    | { kind: 'call'; eventKey: string; payload: AttemptCallEvent }
    | {
        kind: 'sms';
        eventKey: string;
        payload: AttemptSmsEvent;
      },
): Promise<number> {
  const budget = app.config.WEBHOOK_UPDATE_BUDGET_MS;
  try {
    await app.temporal.withDeadline(Date.now() + budget, () => {
      const handle = app.temporal.workflow.getHandle(attempt);
      return row.kind === 'call'
        ? handle.signal(attemptCallSignal, row.payload)
        : handle.signal(attemptSmsSignal, row.payload);
    });
    return 204;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 204; // the attempt is over; nothing waits
    try {
      await withTimeout(
        budget,
        keepInInbox<AttemptCallEvent | AttemptSmsEvent>(app.db, {
          family: CAMPAIGN_FAMILY,
          workflowId: attempt,
          ...row,
          urgent: true,
        }),
      );
      return 202;
    } catch {
      throw new HttpError('unavailable', 'callback not accepted; retry');
    }
  }
}

/** `POST /campaign/status`: an outbound call's progress, to its attempt and to its IVR's call. */
export function statusRoute(app: FastifyInstance, key: Buffer) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const token = tokenOf(key, 'status', request);
    const params = formParams(request.body);
    const callSid = required(params, 'CallSid', patterns.CallSid);
    const event = statusEventFor(params);
    const payload: AttemptCallEvent = {
      kind: 'status',
      tryNo: token.tryNo,
      callSid,
      value: event.callStatus,
      sequenceNumber: event.sequenceNumber,
    };
    const code = await deliver(app, token.attempt, {
      kind: 'call',
      eventKey: `campaign:${event.eventKey}`,
      payload,
    });
    // An answered call runs its IVR in a call workflow, which closes on the final status too.
    try {
      await signalCall(
        app.temporal,
        app.config.TEMPORAL_TASK_QUEUE,
        callWorkflowId(callSid),
        event,
        undefined,
      );
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) await keepCallStatus(app.db, { callSid, event });
    }
    return reply.code(code).send();
  };
}

/** `POST /campaign/amd`: async AMD's verdict (AnsweredBy), to the attempt. */
export function amdRoute(app: FastifyInstance, key: Buffer) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const token = tokenOf(key, 'amd', request);
    const params = formParams(request.body);
    const callSid = required(params, 'CallSid', patterns.CallSid);
    const answeredBy = required(params, 'AnsweredBy', ANSWERED_BY);
    const payload: AttemptCallEvent = {
      kind: 'amd',
      tryNo: token.tryNo,
      callSid,
      value: answeredBy,
      sequenceNumber: -1,
    };
    const code = await deliver(app, token.attempt, {
      kind: 'call',
      eventKey: `campaign:${callSid}:amd`,
      payload,
    });
    return reply.code(code).send();
  };
}

/** `POST /sms/status`: a fallback SMS's status callbacks (queued, sent, delivered, …). */
export function smsStatusRoute(app: FastifyInstance, key: Buffer) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const token = tokenOf(key, 'sms', request);
    const params = formParams(request.body);
    const messageSid = required(params, 'MessageSid', MESSAGE_SID);
    const status = required(params, 'MessageStatus', MESSAGE_STATUS);
    const errorCode = optional(params, 'ErrorCode', /^\d{1,6}$/);
    const payload: AttemptSmsEvent = {
      messageSid,
      status,
      ...(errorCode ? { errorCode: Number(errorCode) } : {}),
    };
    const code = await deliver(app, token.attempt, {
      kind: 'sms',
      eventKey: `campaign:${messageSid}:${status}`,
      payload,
    });
    return reply.code(code).send();
  };
}
