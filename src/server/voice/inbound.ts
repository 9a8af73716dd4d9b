import type { FastifyReply, FastifyRequest } from 'fastify';
import { routingKeyOf } from '../../routing/destination';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { maskPhone } from '../../../workflows/shared/phone';
import type { IvrDefinition } from '../../../workflows/ivr/types';
import { renderMessageAndHangup } from '../../twiml/render';
import { INBOUND_STEP, decodeReplay, type ReplayToken } from '../tokens/replay-token';
import { formParams } from '../twilio-params';
import { answerWebhook, sendXml } from './answer';
import type { VoiceContext } from './context';
import { withCallRoutes } from './carrier-routing';
import { callInputFor, callPartiesOf, requestKeyFor } from './input';
import type { AnswerStrategy } from './strategy';

/** `POST /voice/inbound`: the first webhook of a call starts (or finds) its workflow. */
export function inboundHandler(ctx: VoiceContext, strategy: AnswerStrategy, path: string) {
  const { config, ivrs } = ctx.app;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = formParams(request.body);
    const { callSid, from, to } = callPartiesOf(params);
    const inputFor = (ivr: IvrDefinition) => callInputFor(params, ivr, config.CALL_LINGER_SECONDS);
    const log = request.log.child({ callSid });
    // Resolved before the workflow starts: it travels in the input, the workflow does no I/O.
    const routedInput = async (ivr: IvrDefinition) => withCallRoutes(ctx, inputFor(ivr), log);
    const workflowId = callWorkflowId(callSid);
    const { replay } = request.query as { replay?: unknown };
    const hinted = decodeReplay(
      ctx.keys.replay,
      callSid,
      INBOUND_STEP,
      typeof replay === 'string' ? replay : '',
      new Date(),
    );
    const token: ReplayToken = hinted ?? {
      updateId: requestKeyFor(request, callSid, ['inbound'], params),
      request: { kind: 'inbound' },
      attempt: 1,
    };
    // A call from a SIP domain is routed by the number in its To's user part, like a number.
    const ivr = ivrs.resolve(routingKeyOf(to));
    const input = ivr ? await routedInput(ivr) : undefined;
    const call = {
      workflowId,
      callSid,
      ivr,
      inputFor: (i: IvrDefinition) => input ?? inputFor(i),
      log,
      token,
    };
    const retry = { ...call, retryPath: path, step: INBOUND_STEP };
    if (!ivr && !ivrs.loaded) {
      // The routes could not be read from PostgreSQL yet: "not in service" would be a lie, so the
      // caller holds and retries like any caller whose answer is late.
      return answerWebhook(ctx, reply, retry, () =>
        Promise.reject(new Error('IVR routes are not loaded')),
      );
    }
    if (!ivr) {
      log.warn({ to: maskPhone(to) }, 'no IVR routed for the called number');
      return sendXml(
        reply,
        renderMessageAndHangup('The number you have called is not in service. Goodbye.'),
      );
    }
    log.info(
      { from: maskPhone(from), to: maskPhone(to), ivr: ivr.id, attempt: token.attempt },
      'inbound call',
    );
    return answerWebhook(ctx, reply, retry, () => strategy.inbound(call));
  };
}
