import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { keepCallStatus } from '../../inbox/call-rows';
import { signalCall } from '../../temporal/call-start';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { HttpError } from '../errors';
import { withTimeout } from '../timeout';
import { formParams, patterns, type Params } from '../twilio-params';
import type { VoiceContext } from './context';
import { withCallRoutes } from './carrier-routing';
import { callInputFor, statusEventFor } from './input';
import { routingKeyOf } from '../../routing/destination';

const callIsOver = (err: unknown): boolean =>
  err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError;

/**
 * `POST /voice/status`: a status callback reaches its call once, whichever way is open. Twilio
 * does not retry a status callback that got a 2xx, so one is only sent once the event is either
 * with Temporal or kept in the callback inbox; otherwise 503 lets Twilio's retry (`#rc`), its
 * debugger and the operator see it.
 *
 * Journal mode keeps it in the inbox first (delivered with the call's steps, in one signal); update
 * mode signals first and keeps it when Temporal is away or the workflow has closed.
 */
export function statusHandler(ctx: VoiceContext) {
  const { config, temporal, db, ivrs } = ctx.app;
  const budget = config.WEBHOOK_UPDATE_BUDGET_MS;
  const journalFirst = config.WEBHOOK_MODE === 'journal';
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = formParams(request.body);
    const event = statusEventFor(params);
    const callSid = params.CallSid as string;
    const log = request.log.child({ callSid });
    const plain = startInputOf(params, ivrs.resolve.bind(ivrs), config.CALL_LINGER_SECONDS);
    // It may start the workflow, so it starts it with the same carrier routes as the inbound would.
    const input = plain && (await withCallRoutes(ctx, plain, log));
    const keep = (): Promise<unknown> =>
      withTimeout(
        budget,
        keepCallStatus(db, { callSid, event, ...(input ? { startInput: input } : {}) }),
      );
    const signal = (): Promise<void> =>
      temporal.withDeadline(Date.now() + budget, () =>
        signalCall(temporal, config.TEMPORAL_TASK_QUEUE, callWorkflowId(callSid), event, input),
      );
    const fields = { callStatus: event.callStatus, sequence: event.sequenceNumber };
    if (journalFirst) {
      try {
        await keep();
        log.info(fields, 'call status kept in the inbox');
        return await reply.code(204).send();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not keep the status; signalling');
      }
    }
    try {
      await signal();
      log.info(fields, 'call status');
      return await reply.code(204).send();
    } catch (err) {
      // Closed: the inbox relay writes a late callback to the call log. Away: it delivers it later.
      const over = callIsOver(err);
      log.warn(
        { err: (err as Error).message, ...fields },
        over ? 'status for a closed call; keeping it' : 'keeping status for later delivery',
      );
      try {
        await keep();
      } catch (keepErr) {
        log.error({ err: (keepErr as Error).message }, 'status neither delivered nor kept');
        throw new HttpError('unavailable', 'status not accepted; retry');
      }
      return reply.code(over ? 204 : 202).send();
    }
  };
}

/** A status callback can overtake the inbound webhook: then it starts the call's workflow. */
function startInputOf(
  params: Params,
  resolve: (to: string) => ReturnType<VoiceContext['app']['ivrs']['resolve']>,
  lingerSeconds: number,
) {
  const ivr = params.To ? resolve(routingKeyOf(params.To)) : undefined;
  if (!ivr || !params.AccountSid || !patterns.AccountSid.test(params.AccountSid)) return undefined;
  return callInputFor(params, ivr, lingerSeconds);
}
