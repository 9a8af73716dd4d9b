import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { callWorkflow } from '../../workflows/call/workflow';
import { CALL_REVISION } from '../../workflows/call/revisions';
import {
  callStatusSignal,
  type CallInput,
  type CallStatusEvent,
} from '../../workflows/call/definitions';
import { CALL_WORKFLOW_TYPE, callWorkflowId } from '../../workflows/shared/ids';
import { maskPhone } from '../../workflows/shared/phone';
import {
  CallDirectionKey,
  CallSidKey,
  CallStatusKey,
} from '../../workflows/shared/search-attributes';

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
    staticSummary: `${input.direction.startsWith('outbound') ? 'Outbound' : 'Inbound'} call ${maskPhone(from)} → ${maskPhone(to)} (IVR ${ivr.id} v${ivr.version})`,
    memo: { from: maskPhone(from), to: maskPhone(to), ivr: `${ivr.id}@${ivr.version}` },
  };
}

/** Delivers a status event to its call, starting the workflow when the callback came first. */
export async function signalCall(
  temporal: Client,
  taskQueue: string,
  workflowId: string,
  event: CallStatusEvent,
  startInput: CallInput | undefined,
): Promise<void> {
  if (!startInput) {
    await temporal.workflow.getHandle(workflowId).signal(callStatusSignal, event);
    return;
  }
  await temporal.workflow.signalWithStart(CALL_WORKFLOW_TYPE, {
    ...callStartOptions(startInput, taskQueue),
    signal: callStatusSignal,
    signalArgs: [event],
  });
}
