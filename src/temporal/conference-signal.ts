import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import {
  conferenceCallbacksSignal,
  type ConferenceCallback,
  type ConferenceInput,
} from '../../workflows/conference/definitions';
import type { conferenceWorkflow } from '../../workflows/conference/workflow';
import { CONFERENCE_WORKFLOW_TYPE } from '../../workflows/shared/ids';
import { conferenceStartOptions } from '../conference/start';

/**
 * Delivers conference callbacks to `conference-{name}`; with a start input (a conference an IVR
 * node opened by TwiML) the first callback starts the workflow.
 */
export async function signalConference(
  temporal: Client,
  taskQueue: string,
  workflowId: string,
  callbacks: ConferenceCallback[],
  startInput: ConferenceInput | undefined,
): Promise<void> {
  if (!startInput) {
    await temporal.workflow.getHandle(workflowId).signal(conferenceCallbacksSignal, callbacks);
    return;
  }
  await temporal.workflow.signalWithStart<typeof conferenceWorkflow, [ConferenceCallback[]]>(
    CONFERENCE_WORKFLOW_TYPE,
    {
      ...conferenceStartOptions(startInput, taskQueue),
      signal: conferenceCallbacksSignal,
      signalArgs: [callbacks],
    },
  );
}

/** The workflow has closed (or never existed): its callbacks have nowhere to go. */
export const conferenceIsOver = (err: unknown): boolean =>
  err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError;
