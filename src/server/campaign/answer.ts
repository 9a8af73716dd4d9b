import type { FastifyReply, FastifyRequest } from 'fastify';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { maskPhone } from '../../../workflows/shared/phone';
import { renderMessageAndHangup } from '../../twiml/render';
import { INBOUND_STEP, decodeReplay, type ReplayToken } from '../tokens/replay-token';
import { formParams } from '../twilio-params';
import { answerWebhook, sendXml } from '../voice/answer';
import type { VoiceContext } from '../voice/context';
import { callInputFor, callPartiesOf, requestKeyFor } from '../voice/input';
import type { AnswerStrategy } from '../voice/strategy';
import { tokenOf } from './callbacks';

/**
 * `POST /campaign/answer?t=…`: an answered outbound call's first webhook. The IVR comes from the
 * MACed token (the campaign's IVR at the version it started with), not from the called number,
 * and the call then runs in a call workflow exactly as an inbound one: same engine, same actions
 * (`/voice/event`), same fallbacks.
 */
export function answerRoute(ctx: VoiceContext, strategy: AnswerStrategy, key: Buffer) {
  const { config, ivrs, db } = ctx.app;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const outbound = tokenOf(key, 'answer', request);
    const params = formParams(request.body);
    const { callSid, to } = callPartiesOf(params);
    const log = request.log.child({ callSid, attempt: outbound.attempt });
    const ivr = await ivrs.version(db, outbound.ivrId, outbound.ivrVersion);
    if (!ivr) {
      log.error({ ivr: `${outbound.ivrId}@${outbound.ivrVersion}` }, 'campaign IVR not stored');
      return sendXml(
        reply,
        renderMessageAndHangup('Sorry, we cannot continue this call. Goodbye.'),
      );
    }
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
    const { t } = request.query as { t: string };
    const call = {
      workflowId: callWorkflowId(callSid),
      callSid,
      ivr,
      inputFor: () => callInputFor(params, ivr, config.CALL_LINGER_SECONDS),
      log,
      token,
    };
    log.info({ to: maskPhone(to), ivr: ivr.id }, 'outbound call answered');
    return answerWebhook(
      ctx,
      reply,
      { ...call, retryPath: `/campaign/answer?t=${t}`, step: INBOUND_STEP },
      () => strategy.inbound(call),
    );
  };
}
