import { WithStartWorkflowOperation } from '@temporalio/client';
import type { callWorkflow } from '../../../workflows/call/workflow';
import { callWebhookUpdate } from '../../../workflows/call/definitions';
import { CALL_WORKFLOW_TYPE } from '../../../workflows/shared/ids';
import { callStartOptions } from '../../temporal/call-start';
import { withTimeout } from '../timeout';
import type { VoiceContext } from './context';
import type { Answer, AnswerStrategy } from './strategy';

const routed = <T>(ivr: T | undefined): T => {
  if (!ivr) throw new Error('an inbound webhook carries its routed IVR');
  return ivr;
};

/** The call workflow decides, in an update handler; the caller waits for its answer. */
export function updateMode(ctx: VoiceContext): AnswerStrategy {
  const { config, temporal } = ctx.app;
  const budget = config.WEBHOOK_UPDATE_BUDGET_MS;
  const within = (run: () => Promise<Answer['plan']>): Promise<Answer> =>
    withTimeout(budget, temporal.withDeadline(Date.now() + budget, run)).then((plan) => ({ plan }));
  return {
    inbound: ({ ivr, inputFor, token }) =>
      within(() =>
        temporal.workflow.executeUpdateWithStart(callWebhookUpdate, {
          args: [token.request],
          updateId: token.updateId,
          startWorkflowOperation: new WithStartWorkflowOperation<typeof callWorkflow>(
            CALL_WORKFLOW_TYPE,
            {
              ...callStartOptions(inputFor(routed(ivr)), config.TEMPORAL_TASK_QUEUE),
              workflowIdConflictPolicy: 'USE_EXISTING',
            },
          ),
        }),
      ),
    action: ({ workflowId, token }) =>
      within(() =>
        temporal.workflow.getHandle(workflowId).executeUpdate(callWebhookUpdate, {
          args: [token.request],
          updateId: token.updateId,
        }),
      ),
  };
}
