import type { WorkflowStartOptions } from '@temporalio/client';
import type { callWorkflow } from '../../workflows/call';
import {
  CALL_REVISION,
  callWorkflowId,
  maskPhone,
  type CallInput,
} from '../../workflows/definitions';
import { CallDirectionKey, CallSidKey, CallStatusKey } from '../../workflows/search-attributes';

/**
 * How a call workflow is started, whichever Twilio request arrives first: the inbound webhook
 * (update-with-start), or a status callback that overtook it (signal-with-start).
 */
export function callStartOptions(
  input: CallInput,
  taskQueue: string,
): WorkflowStartOptions<typeof callWorkflow> {
  const { callSid, from, to, ivr } = input;
  return {
    workflowId: callWorkflowId(callSid),
    taskQueue,
    args: [{ ...input, revision: CALL_REVISION }],
    // A finished call never restarts: a very late duplicate request is answered without one.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: CallSidKey, value: callSid },
      { key: CallStatusKey, value: 'ringing' },
      { key: CallDirectionKey, value: input.direction },
    ],
    staticSummary: `Inbound call ${maskPhone(from)} → ${maskPhone(to)} (IVR ${ivr.id} v${ivr.version})`,
    memo: { from: maskPhone(from), to: maskPhone(to), ivr: `${ivr.id}@${ivr.version}` },
  };
}
