import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import { INVALID_WEBHOOK_REQUEST } from '../../../workflows/call/webhook-request';
import { countFallback } from '../../metrics/webhook';
import { renderHold, renderMessageAndHangup, renderPlan } from '../../twiml/render';
import { encodeReplay } from '../tokens/replay-token';
import type { VoiceContext } from './context';
import type { Answer, WebhookCall } from './strategy';

/** After this many hold-and-retry rounds (about three minutes) the caller is told to call back. */
const MAX_FALLBACK_ATTEMPTS = 40;
const XML = 'text/xml; charset=utf-8';

export const sendXml = (reply: FastifyReply, xml: string): FastifyReply =>
  reply.code(200).type(XML).send(xml);

/** The workflow itself refused this request as malformed: retrying the same one cannot succeed. */
function isRequestFault(err: unknown): boolean {
  return (
    err instanceof WorkflowUpdateFailedError &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === INVALID_WEBHOOK_REQUEST
  );
}

/**
 * Answers a webhook with the plan `run` produces. A call whose workflow has ended hears goodbye; a
 * request the workflow refused as malformed is ended politely; anything else (a timeout, an
 * outage, an update the server rejected because no worker processed it) is transient: the caller
 * hears a short hold message and a `<Redirect>` that retries the same update id with a MACed
 * replay token, so a late answer is reused and the IVR never advances twice.
 */
export async function answerWebhook(
  ctx: VoiceContext,
  reply: FastifyReply,
  call: Pick<WebhookCall, 'workflowId' | 'callSid' | 'log' | 'token'> & {
    retryPath: string;
    step: string;
  },
  run: () => Promise<Answer>,
): Promise<FastifyReply> {
  const { token, log, workflowId } = call;
  try {
    const { plan, st } = await run();
    return sendXml(reply, renderPlan(plan, ctx.urlsFor(workflowId, st)));
  } catch (err) {
    if (
      err instanceof WorkflowExecutionAlreadyStartedError ||
      err instanceof WorkflowNotFoundError
    ) {
      log.info('call workflow has ended; hanging up');
      return sendXml(reply, renderMessageAndHangup('This call has ended. Goodbye.'));
    }
    if (isRequestFault(err)) {
      log.error({ err: (err as Error).message }, 'call workflow rejected the webhook');
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
    const replay = encodeReplay(
      ctx.keys.replay,
      call.callSid,
      call.step,
      { ...token, attempt: token.attempt + 1 },
      new Date(),
    );
    const retry = `${ctx.base}${call.retryPath}${call.retryPath.includes('?') ? '&' : '?'}replay=${replay}`;
    reply.header('x-switchboard-fallback', '1');
    countFallback(reply.request);
    return sendXml(reply, renderHold(retry));
  }
}
