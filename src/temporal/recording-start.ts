import type { WorkflowStartOptions } from '@temporalio/client';
import type { RecordingInput } from '../../workflows/recording/definitions';
import { RECORDING_REVISION } from '../../workflows/recording/revisions';
import type { recordingWorkflow } from '../../workflows/recording/workflow';
import { recordingWorkflowId } from '../../workflows/shared/ids';
import { CallSidKey, RecordingSidKey } from '../../workflows/shared/search-attributes';

/** How a recording workflow starts: from its first callback, through the inbox relay. */
export function recordingStartOptions(
  input: Omit<RecordingInput, 'revision'>,
  taskQueue: string,
): WorkflowStartOptions<typeof recordingWorkflow> {
  return {
    workflowId: recordingWorkflowId(input.recordingSid),
    taskQueue,
    args: [{ ...input, revision: RECORDING_REVISION }],
    // A purged recording never restarts: a very late duplicate callback finds it closed.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: RecordingSidKey, value: input.recordingSid },
      ...(input.callSid ? [{ key: CallSidKey, value: input.callSid }] : []),
    ],
    staticSummary: `Recording ${input.recordingSid}${input.callSid ? ` of call ${input.callSid}` : ''}`,
  };
}
