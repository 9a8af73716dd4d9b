import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { callWorkflow } from '../../../workflows/call/workflow';
import {
  callWebhookUpdate,
  type CallInput,
  type WebhookRequest,
} from '../../../workflows/call/definitions';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { maskPhone } from '../../../workflows/shared/phone';
import { type CallStatus } from '../../../workflows/shared/call-status';
import { advanceIvr, reprompt, startIvr, type IvrState } from '../../../workflows/ivr/engine';
import type { IvrDefinition } from '../../../workflows/ivr/types';
import type { TwimlPlan } from '../../../workflows/shared/twiml-plan';
import {
  renderHold,
  renderMessageAndHangup,
  renderPlan,
  type RenderUrls,
} from '../../twiml/render';
import { HttpError } from '../errors';
import { decodeReplay, encodeReplay, type ReplayToken } from '../tokens/replay-token';
import { callStartOptions, signalCall } from '../../temporal/call-start';
import { parkSignal } from '../../inbox/inbox';
import { decodeStepToken, encodeStepToken, stepTokenKey } from '../tokens/step-token';
import { assertTwilioSignature } from '../twilio-signature';
import { formParams, optional, patterns, required, type Params } from '../twilio-params';

/** After this many hold-and-retry rounds (about three minutes) the caller is told to call back. */
const MAX_FALLBACK_ATTEMPTS = 40;
const WORKFLOW_ID = /^call-CA[0-9a-f]{32}$/;
const STEP = /^\d{1,6}\.[A-Za-z0-9_-]{1,64}$/;
const ON = /^(gather|dial|record|resume)$/;
const XML = 'text/xml; charset=utf-8';

/** What a webhook answers with: a plan, and in journal mode the state its action URLs carry. */
interface Answer {
  plan: TwimlPlan;
  st?: string;
}

function withTimeout<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function updateIdFor(
  request: FastifyRequest,
  callSid: string,
  parts: string[],
  params: Params,
): string {
  // Twilio sends the same token on every retry of one request: the update runs once.
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

function requestFor(on: string, step: string, params: Params): WebhookRequest {
  switch (on) {
    case 'gather': {
      const digits = optional(params, 'Digits', patterns.Digits);
      const speech = params.SpeechResult?.slice(0, 500);
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
      return {
        kind: 'dial',
        step,
        status: optional(params, 'DialCallStatus', patterns.DialCallStatus) ?? 'failed',
        ...(duration ? { durationSeconds: Number(duration) } : {}),
      };
    }
    case 'record': {
      const duration = optional(params, 'RecordingDuration', patterns.Number);
      const sid = optional(params, 'RecordingSid', patterns.RecordingSid);
      const url = params.RecordingUrl;
      return {
        kind: 'record',
        step,
        ...(url && /^https?:\/\//.test(url) ? { recordingUrl: url } : {}),
        ...(sid ? { recordingSid: sid } : {}),
        ...(duration ? { durationSeconds: Number(duration) } : {}),
      };
    }
    case 'resume':
      return { kind: 'resume' };
    default:
      throw new HttpError('badRequest', 'unknown action kind');
  }
}

function callInputFor(params: Params, ivr: IvrDefinition, lingerSeconds: number): CallInput {
  return {
    callSid: required(params, 'CallSid', patterns.CallSid),
    accountSid: required(params, 'AccountSid', patterns.AccountSid),
    from: optional(params, 'From', patterns.Address) ?? 'anonymous',
    to: required(params, 'To', patterns.Address),
    direction: params.Direction ?? 'inbound',
    ivr,
    lingerSeconds,
  };
}

export function voiceRoutes(app: FastifyInstance): void {
  const { config, temporal } = app;
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const journalMode = config.WEBHOOK_MODE === 'journal';
  const stepKey = stepTokenKey(config.TWILIO_AUTH_TOKEN);

  const eventPath = (workflowId: string, step: string, on: string, st?: string): string =>
    `/voice/event?wf=${workflowId}&step=${encodeURIComponent(step)}&on=${on}` +
    (st ? `&st=${st}` : '');

  const urlsFor = (workflowId: string, st?: string): RenderUrls => ({
    action: (ref, on) => `${base}${eventPath(workflowId, ref.step, on, st)}`,
  });

  const sendXml = (reply: FastifyReply, xml: string): FastifyReply =>
    reply.code(200).type(XML).send(xml);

  /** Runs an update within the webhook budget; on timeout or outage the caller hears hold music. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    workflowId: string,
    retryPath: string,
    token: ReplayToken,
    run: () => Promise<Answer>,
  ): Promise<FastifyReply> {
    const log = request.log.child({ callSid: workflowId.slice(5), workflowId });
    try {
      const { plan, st } = await withTimeout(
        config.WEBHOOK_UPDATE_BUDGET_MS,
        temporal.withDeadline(Date.now() + config.WEBHOOK_UPDATE_BUDGET_MS, run),
      );
      return sendXml(reply, renderPlan(plan, urlsFor(workflowId, st)));
    } catch (err) {
      if (
        err instanceof WorkflowExecutionAlreadyStartedError ||
        err instanceof WorkflowNotFoundError
      ) {
        log.info('call workflow has ended; hanging up');
        return sendXml(reply, renderMessageAndHangup('This call has ended. Goodbye.'));
      }
      if (err instanceof WorkflowUpdateFailedError) {
        // The workflow rejected this request: retrying the same one cannot succeed.
        log.error({ err: err.cause?.message ?? err.message }, 'call workflow rejected the webhook');
        return sendXml(
          reply,
          renderMessageAndHangup('We are sorry, something went wrong. Please call back later.'),
        );
      }
      if (token.attempt >= MAX_FALLBACK_ATTEMPTS) {
        log.error({ attempt: token.attempt }, 'giving up after repeated fallbacks');
        return sendXml(
          reply,
          renderMessageAndHangup(
            'We are sorry, we cannot take your call right now. Please call back later.',
          ),
        );
      }
      log.warn({ err: (err as Error).message, attempt: token.attempt }, 'answering fallback TwiML');
      const retry = `${base}${retryPath}${retryPath.includes('?') ? '&' : '?'}replay=${encodeReplay({ ...token, attempt: token.attempt + 1 })}`;
      reply.header('x-switchboard-fallback', '1');
      return sendXml(reply, renderHold(retry));
    }
  }

  /**
   * Journal mode: the step is written to the outbox, then answered from the IVR engine with the
   * state it was decided from. The relay (in the worker process) delivers it to the call workflow,
   * which runs the same engine from the same state and instant, so it lands where the caller is.
   */
  async function journaled(
    workflowId: string,
    input: CallInput,
    key: string,
    webhook: WebhookRequest,
    before: IvrState | undefined,
  ): Promise<Answer> {
    const { ivr, callSid } = input;
    const step = {
      key,
      request: webhook,
      decidedAt: new Date().toISOString(),
      ...(before ? { before } : {}),
    };
    const stored = await parkSignal(app.db, {
      kind: 'step',
      eventKey: `${workflowId}:step:${key}`,
      workflowId,
      payload: step,
      startInput: input,
    });
    const at = new Date(stored.decidedAt);
    const outcome =
      before && webhook.kind !== 'inbound' && webhook.kind !== 'resume'
        ? advanceIvr(ivr, before, webhook, at)
        : startIvr(ivr, at);
    return {
      plan: outcome.plan,
      st: encodeStepToken(stepKey, callSid, {
        ivrId: ivr.id,
        ivrVersion: ivr.version,
        state: outcome.state,
      }),
    };
  }

  const twilioRoute = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, config)),
  };

  app.post('/voice/inbound', twilioRoute, async (request, reply) => {
    const params = formParams(request.body);
    const callSid = required(params, 'CallSid', patterns.CallSid);
    required(params, 'AccountSid', patterns.AccountSid);
    const from = optional(params, 'From', patterns.Address) ?? 'anonymous';
    const to = required(params, 'To', patterns.Address);
    const workflowId = callWorkflowId(callSid);
    const log = request.log.child({ callSid });
    const ivr = app.ivrs.resolve(to);
    if (!ivr) {
      log.warn({ to: maskPhone(to) }, 'no IVR routed for the called number');
      return sendXml(
        reply,
        renderMessageAndHangup('The number you have called is not in service. Goodbye.'),
      );
    }
    const { replay: rawReplay } = request.query as { replay?: unknown };
    const replay = decodeReplay(typeof rawReplay === 'string' ? rawReplay : '');
    const token: ReplayToken = replay ?? {
      updateId: updateIdFor(request, callSid, ['inbound'], params),
      request: { kind: 'inbound' },
      attempt: 1,
    };
    log.info(
      { from: maskPhone(from), to: maskPhone(to), ivr: ivr.id, attempt: token.attempt },
      'inbound call',
    );
    const input = callInputFor(params, ivr, config.CALL_LINGER_SECONDS);
    if (journalMode) {
      // Without PostgreSQL the call is answered the update way; its action URLs then carry no
      // state, so the whole call stays with the workflow.
      const viaJournal = await withTimeout(
        config.WEBHOOK_UPDATE_BUDGET_MS,
        journaled(workflowId, input, token.updateId, token.request, undefined),
      ).catch((err: Error) => {
        log.warn({ err: err.message }, 'could not journal the inbound step; asking the workflow');
        return undefined;
      });
      if (viaJournal) {
        return sendXml(reply, renderPlan(viaJournal.plan, urlsFor(workflowId, viaJournal.st)));
      }
    }
    return answer(request, reply, workflowId, '/voice/inbound', token, async () => ({
      plan: await temporal.workflow.executeUpdateWithStart(callWebhookUpdate, {
        args: [token.request],
        updateId: token.updateId,
        startWorkflowOperation: new WithStartWorkflowOperation<typeof callWorkflow>(
          'callWorkflow',
          {
            ...callStartOptions(input, config.TEMPORAL_TASK_QUEUE),
            workflowIdConflictPolicy: 'USE_EXISTING',
          },
        ),
      }),
    }));
  });

  app.post('/voice/event', twilioRoute, async (request, reply) => {
    const params = formParams(request.body);
    const query = request.query as Record<string, unknown>;
    const callSid = required(params, 'CallSid', patterns.CallSid);
    const workflowId = typeof query.wf === 'string' ? query.wf : '';
    const step = typeof query.step === 'string' ? query.step : '';
    const on = typeof query.on === 'string' ? query.on : '';
    if (!WORKFLOW_ID.test(workflowId) || workflowId !== callWorkflowId(callSid)) {
      throw new HttpError('badRequest', 'wf does not name this call');
    }
    if (!ON.test(on)) throw new HttpError('badRequest', 'malformed on');
    if (on !== 'resume' && !STEP.test(step)) throw new HttpError('badRequest', 'malformed step');
    const replay = decodeReplay(typeof query.replay === 'string' ? query.replay : '');
    const token: ReplayToken = replay ?? {
      updateId: updateIdFor(request, callSid, ['event', step, on], params),
      request: requestFor(on, step, params),
      attempt: 1,
    };
    // An action URL minted in journal mode carries the state it was answered from, and a call that
    // started journaled stays journaled whatever mode this server runs in.
    const st = typeof query.st === 'string' ? query.st : '';
    const carried = st ? decodeStepToken(stepKey, callSid, st) : undefined;
    if (carried && on !== 'resume' && `${carried.state.seq}.${carried.state.node}` !== step) {
      throw new HttpError('badRequest', 'st does not match step');
    }
    const ivr = carried
      ? await app.ivrs.version(app.db, carried.ivrId, carried.ivrVersion)
      : undefined;
    const retryPath = eventPath(workflowId, step, on, carried ? st : undefined);
    if (carried && ivr) {
      const input = callInputFor(params, ivr, config.CALL_LINGER_SECONDS);
      // A journaled call stays journaled: while PostgreSQL is away the caller holds and retries.
      return answer(request, reply, workflowId, retryPath, token, () =>
        on === 'resume'
          ? Promise.resolve({ plan: reprompt(ivr, carried.state).plan, st })
          : journaled(workflowId, input, token.updateId, token.request, carried.state),
      );
    }
    return answer(request, reply, workflowId, retryPath, token, async () => ({
      plan: await temporal.workflow.getHandle(workflowId).executeUpdate(callWebhookUpdate, {
        args: [token.request],
        updateId: token.updateId,
      }),
    }));
  });

  app.post('/voice/status', twilioRoute, async (request, reply) => {
    const params = formParams(request.body);
    const callSid = required(params, 'CallSid', patterns.CallSid);
    const callStatus = required(params, 'CallStatus', patterns.CallStatus) as CallStatus;
    const sequence = optional(params, 'SequenceNumber', patterns.SequenceNumber);
    const duration = optional(params, 'CallDuration', patterns.Number);
    const timestamp = Date.parse(params.Timestamp ?? '');
    const event = {
      // SequenceNumber is unique per call among its progress callbacks; without it, the status is.
      eventKey: `${callSid}:status:${sequence ?? callStatus}`,
      callStatus,
      sequenceNumber: sequence === undefined ? -1 : Number(sequence),
      timestamp: new Date(Number.isNaN(timestamp) ? Date.now() : timestamp).toISOString(),
      ...(duration ? { durationSeconds: Number(duration) } : {}),
    };
    const log = request.log.child({ callSid });
    // A status callback can overtake the inbound webhook: it starts the workflow when it is first.
    const ivr = params.To ? app.ivrs.resolve(params.To) : undefined;
    const input =
      ivr && params.AccountSid && patterns.AccountSid.test(params.AccountSid)
        ? callInputFor(params, ivr, config.CALL_LINGER_SECONDS)
        : undefined;
    const workflowId = callWorkflowId(callSid);
    const entry = { kind: 'status' as const, eventKey: event.eventKey, workflowId, payload: event };
    const park = (): Promise<unknown> =>
      parkSignal(app.db, { ...entry, ...(input ? { startInput: input } : {}) });
    if (journalMode) {
      // Journaled like the steps, and delivered with them by the relay in one signal per call.
      try {
        await withTimeout(config.WEBHOOK_UPDATE_BUDGET_MS, park());
        log.info({ callStatus, sequence: event.sequenceNumber }, 'call status journaled');
        return await reply.code(204).send();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not journal the status; signalling');
      }
    }
    try {
      await temporal.withDeadline(Date.now() + config.WEBHOOK_UPDATE_BUDGET_MS, () =>
        signalCall(temporal, config.TEMPORAL_TASK_QUEUE, workflowId, event, input),
      );
    } catch (err) {
      if (
        err instanceof WorkflowNotFoundError ||
        err instanceof WorkflowExecutionAlreadyStartedError
      ) {
        // The workflow closed when the call ended; the relay writes a late callback to the log.
        log.info({ callStatus }, 'status for a call whose workflow has ended; parking it');
        try {
          await park();
        } catch (parkErr) {
          log.error({ err: (parkErr as Error).message }, 'could not park a late status');
        }
        return reply.code(204).send();
      }
      // Temporal is unreachable or slow: park the event so the relay delivers it later.
      log.warn({ err: (err as Error).message, callStatus }, 'parking status signal');
      try {
        await park();
      } catch (parkErr) {
        log.error({ err: (parkErr as Error).message }, 'could not park status signal');
        throw new HttpError('unavailable', 'status not accepted; retry');
      }
      return reply.code(202).send();
    }
    log.info({ callStatus, sequence: event.sequenceNumber }, 'call status');
    return reply.code(204).send();
  });
}
