import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { routingKeyOf } from '../../routing/destination';
import { usesCarrierRouting, withCarrierRoutes } from '../../routing/ivr-routes';
import { carrierRoutesFor } from '../../routing/route-store';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { maskPhone } from '../../../workflows/shared/phone';
import type { IvrDefinition } from '../../../workflows/ivr/types';
import { renderMessageAndHangup } from '../../twiml/render';
import { INBOUND_STEP, decodeReplay, type ReplayToken } from '../tokens/replay-token';
import { formParams } from '../twilio-params';
import { answerWebhook, sendXml } from './answer';
import type { VoiceContext } from './context';
import { callInputFor, callPartiesOf, requestKeyFor } from './input';
import type { AnswerStrategy } from './strategy';

/**
 * Resolves carrier-routed transfers before the workflow starts (update mode: the route list rides
 * in the IVR snapshot of its input). Journal mode keeps only the IVR's id and version per step, so
 * there transfers dial their targets directly. Without the table the call still goes on.
 */
async function carrierRouted(
  ctx: VoiceContext,
  ivr: IvrDefinition,
  log: FastifyBaseLogger,
): Promise<IvrDefinition> {
  const { config, db } = ctx.app;
  if (config.WEBHOOK_MODE !== 'update' || !usesCarrierRouting(ivr)) return ivr;
  try {
    return await withCarrierRoutes(ivr, (destination) => carrierRoutesFor(db, destination));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'carrier routes unavailable; transfers dial targets');
    return ivr;
  }
}

/** `POST /voice/inbound`: the first webhook of a call starts (or finds) its workflow. */
export function inboundHandler(ctx: VoiceContext, strategy: AnswerStrategy, path: string) {
  const { config, ivrs } = ctx.app;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = formParams(request.body);
    const { callSid, from, to } = callPartiesOf(params);
    const inputFor = (ivr: IvrDefinition) => callInputFor(params, ivr, config.CALL_LINGER_SECONDS);
    const workflowId = callWorkflowId(callSid);
    const log = request.log.child({ callSid });
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
    const routed = ivrs.resolve(routingKeyOf(to));
    const ivr = routed && (await carrierRouted(ctx, routed, log));
    const call = { workflowId, callSid, ivr, inputFor, log, token };
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
