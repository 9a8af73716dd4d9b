import type { FastifyReply, FastifyRequest } from 'fastify';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { maskPhone } from '../../../workflows/shared/phone';
import { usesVariables } from '../../../workflows/ivr/variables';
import { contactVariables } from '../../campaign/contact-variables';
import { renderMessageAndHangup } from '../../twiml/render';
import { INBOUND_STEP, decodeReplay, type ReplayToken } from '../tokens/replay-token';
import { formParams } from '../twilio-params';
import { withTimeout } from '../timeout';
import { answerWebhook, sendXml } from '../voice/answer';
import type { VoiceContext } from '../voice/context';
import { callInputFor, callPartiesOf, requestKeyFor } from '../voice/input';
import type { AnswerStrategy } from '../voice/strategy';
import { tokenOf } from './callbacks';

/**
 * `POST /campaign/answer?t=…`: an answered outbound call's first webhook. The IVR comes from the
 * MACed token (the campaign's IVR at the version it started with), not from the called number,
 * and the call then runs in a call workflow exactly as an inbound one: same engine, same actions
 * (`/voice/event`), same fallbacks. When the IVR's prompts say `{{placeholders}}`, the contact's
 * row gives them their values: they travel in the call's input (and, in journal mode, its URLs
 * name the contact), so every step speaks them.
 */
export function answerRoute(ctx: VoiceContext, strategy: AnswerStrategy, key: Buffer) {
  const { config, ivrs, db } = ctx.app;
  const budget = config.WEBHOOK_UPDATE_BUDGET_MS;
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
    const call = { workflowId: callWorkflowId(callSid), callSid, ivr, log, token };
    const retry = { ...call, retryPath: `/campaign/answer?t=${t}`, step: INBOUND_STEP };
    log.info({ to: maskPhone(to), ivr: ivr.id }, 'outbound call answered');
    return answerWebhook(ctx, reply, retry, async () => {
      // Inside the answer: without its row the callee would hear blanks, so an outage holds them.
      const { attempt } = outbound;
      const contact = usesVariables(ivr)
        ? { attempt, variables: await withTimeout(budget, contactVariables(db, attempt)) }
        : undefined;
      return strategy.inbound({
        ...call,
        ...(contact ? { contact } : {}),
        inputFor: () => callInputFor(params, ivr, config.CALL_LINGER_SECONDS, contact?.variables),
      });
    });
  };
}
