import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookRequest } from '../../../workflows/call/definitions';
import { STEP_PATTERN } from '../../../workflows/call/webhook-request';
import { callWorkflowId } from '../../../workflows/shared/ids';
import type { IvrDefinition } from '../../../workflows/ivr/types';
import { HttpError } from '../errors';
import { decodeReplay, type ReplayToken } from '../tokens/replay-token';
import { decodeStepToken } from '../tokens/step-token';
import { formParams, patterns, required, type Params } from '../twilio-params';
import { answerWebhook } from './answer';
import type { VoiceContext } from './context';
import { actionQueryOf, actionRequestFor, callInputFor, requestKeyFor } from './input';
import type { AnswerStrategy } from './strategy';

const ON = /^(gather|dial|record|resume)$/;
/** Parameters only an action (not a fallback redirect) carries: the caller's own input. */
const ACTION_INPUT = ['Digits', 'SpeechResult', 'DialCallStatus', 'RecordingSid', 'RecordingUrl'];

const sameRequest = (a: WebhookRequest, b: WebhookRequest): boolean =>
  JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());

/**
 * A replay token only says which request a fallback redirect retries. Where the signed body holds
 * the caller's own input, that input decides, and a token that disagrees with it is ignored.
 */
function tokenFor(
  hinted: ReplayToken | undefined,
  fresh: ReplayToken,
  params: Params,
): ReplayToken {
  if (!hinted) return fresh;
  const hasInput = ACTION_INPUT.some((name) => params[name] !== undefined && params[name] !== '');
  return !hasInput || sameRequest(hinted.request, fresh.request) ? hinted : fresh;
}

/**
 * `POST /voice/event?wf=…&step=…&on=…`: a Gather, Dial or Record action (or a resume after a
 * fallback). A URL minted in journal mode carries the state it was answered from (`st`), and a
 * call that started journaled stays journaled whatever mode this server runs in.
 */
export function eventHandler(
  ctx: VoiceContext,
  strategies: { journal: AnswerStrategy; update: AnswerStrategy },
) {
  const { config } = ctx.app;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = formParams(request.body);
    const query = actionQueryOf(request.query);
    const callSid = required(params, 'CallSid', patterns.CallSid);
    const { wf: workflowId, step, on } = query;
    if (workflowId !== callWorkflowId(callSid)) {
      throw new HttpError('badRequest', 'wf does not name this call');
    }
    if (!ON.test(on)) throw new HttpError('badRequest', 'malformed on');
    if (on !== 'resume' && !STEP_PATTERN.test(step)) {
      throw new HttpError('badRequest', 'malformed step');
    }
    const now = new Date();
    const fresh: ReplayToken = {
      updateId: requestKeyFor(request, callSid, ['event', step, on], params),
      request: actionRequestFor(on, step, params),
      attempt: 1,
    };
    const token = tokenFor(
      decodeReplay(ctx.keys.replay, callSid, step, query.replay, now),
      fresh,
      params,
    );
    const carried = query.st ? decodeStepToken(ctx.keys.step, callSid, query.st, now) : undefined;
    if (carried && on !== 'resume' && `${carried.state.seq}.${carried.state.node}` !== step) {
      throw new HttpError('badRequest', 'st does not match step');
    }
    const call = {
      workflowId,
      callSid,
      token,
      inputFor: (ivr: IvrDefinition) => callInputFor(params, ivr, config.CALL_LINGER_SECONDS),
      log: request.log.child({ callSid, workflowId }),
      ...(carried ? { carried } : {}),
    };
    const retryPath = ctx.eventPath(workflowId, step, on, carried ? query.st : undefined);
    const strategy = carried ? strategies.journal : strategies.update;
    return answerWebhook(ctx, reply, { ...call, retryPath, step }, () => strategy.action(call));
  };
}
