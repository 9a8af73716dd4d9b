import { decide } from '../../../workflows/call/decide';
import { reprompt, type IvrState } from '../../../workflows/ivr/engine';
import type { IvrDefinition } from '../../../workflows/ivr/types';
import { withVariables } from '../../../workflows/ivr/variables';
import { contactVariables } from '../../campaign/contact-variables';
import { keepCallStep } from '../../inbox/call-rows';
import { encodeStepToken } from '../tokens/step-token';
import { withTimeout } from '../timeout';
import type { VoiceContext } from './context';
import type { Answer, AnswerStrategy, WebhookCall } from './strategy';

/**
 * The server decides from the state the action URL carries, keeps the step in the callback inbox,
 * then answers; the inbox relay (worker process) delivers the step to the call workflow, which
 * runs the same decision from the same state and instant. Temporal is off the caller's path.
 * Without PostgreSQL a new call is answered the update way (`viaWorkflow`), and its URLs then carry
 * no state, so the whole call stays with the workflow; a journaled call stays journaled and its
 * caller holds and retries. An answered campaign call's URLs name its contact, whose variables
 * are looked up again for each step, so the server fills in the prompts as the workflow does.
 */
export function journalMode(ctx: VoiceContext, viaWorkflow: AnswerStrategy): AnswerStrategy {
  const { db, ivrs, config } = ctx.app;
  const budget = config.WEBHOOK_UPDATE_BUDGET_MS;

  async function journal(
    call: WebhookCall,
    ivr: IvrDefinition,
    contact: WebhookCall['contact'],
    before?: IvrState,
  ): Promise<Answer> {
    const { token, callSid } = call;
    const now = new Date();
    const spoken = withVariables(ivr, contact?.variables);
    const mint = (state: IvrState, at: Date): string =>
      encodeStepToken(
        ctx.keys.step,
        callSid,
        {
          ivrId: ivr.id,
          ivrVersion: ivr.version,
          state,
          ...(contact ? { contact: contact.attempt } : {}),
        },
        at,
      );
    const first = decide(spoken, before, token.request, now);
    if (first.kind === 'reserve') {
      return { plan: reprompt(spoken, first.state).plan, st: mint(first.state, now) };
    }
    const input = call.inputFor(ivr);
    const kept = await keepCallStep(db, {
      step: {
        key: token.updateId,
        request: token.request,
        decidedAt: now.toISOString(),
        ...(before ? { before } : {}),
      },
      startInput: contact?.variables ? { ...input, variables: contact.variables } : input,
    });
    // A retry of the same request is answered from what was kept first (its input, state and
    // instant), whatever its own body says: the caller hears what the workflow will record.
    // The step token is minted at that instant too, so a retry a second later gets the same bytes.
    const decidedAt = new Date(kept.decidedAt);
    const decision = decide(spoken, kept.before, kept.request, decidedAt);
    const outcome =
      decision.kind === 'reserve' ? reprompt(spoken, decision.state) : decision.outcome;
    return { plan: outcome.plan, st: mint(outcome.state, decidedAt) };
  }

  return {
    async inbound(call) {
      if (!call.ivr) throw new Error('an inbound webhook carries its routed IVR');
      try {
        return await withTimeout(budget, journal(call, call.ivr, call.contact));
      } catch (err) {
        call.log.warn(
          { err: (err as Error).message },
          'could not journal the inbound step; asking the workflow',
        );
        return viaWorkflow.inbound(call);
      }
    },
    async action(call) {
      const { carried } = call;
      if (!carried) return viaWorkflow.action(call);
      // The IVR version and contact lookups need PostgreSQL: inside the budget, so an outage holds
      // the caller.
      return withTimeout(
        budget,
        (async () => {
          const attempt = carried.contact;
          const [ivr, variables] = await Promise.all([
            ivrs.version(db, carried.ivrId, carried.ivrVersion),
            attempt ? contactVariables(db, attempt) : undefined,
          ]);
          const contact = attempt ? { attempt, variables } : undefined;
          // A version no database holds: only the workflow, which has it in its input, can answer.
          return ivr ? journal(call, ivr, contact, carried.state) : viaWorkflow.action(call);
        })(),
      );
    },
  };
}
