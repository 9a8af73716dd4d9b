import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import {
  recordingEntriesSignal,
  type RecordingCallback,
  type RecordingEntry,
  type RecordingInput,
  type TwilioTranscription,
} from '../../workflows/recording/definitions';
import type { recordingWorkflow } from '../../workflows/recording/workflow';
import { RECORDING_WORKFLOW_TYPE, recordingWorkflowId } from '../../workflows/shared/ids';
import type { Db } from '../db/pool';
import { recordingStartOptions } from '../temporal/recording-start';
import type { Deliverer, InboxLog, InboxRow } from './deliverer';
import { keepInInbox } from './store';

export const RECORDING_FAMILY = 'recording';

/** What starts a recording workflow, as kept in an inbox row. */
export type StoredRecordingStart = Omit<RecordingInput, 'revision'>;

/** Keeps a recording status callback until the relay has delivered it. */
export function keepRecordingStatus(
  db: Db,
  start: StoredRecordingStart,
  callback: RecordingCallback,
): Promise<RecordingCallback> {
  return keepInInbox(db, {
    family: RECORDING_FAMILY,
    kind: 'status',
    eventKey: `recording:${callback.eventKey}`,
    workflowId: recordingWorkflowId(start.recordingSid),
    payload: callback,
    startInput: start,
    urgent: true,
  });
}

/** Keeps Twilio's transcription (already redacted) until the relay has delivered it. */
export function keepTwilioTranscription(
  db: Db,
  start: StoredRecordingStart,
  transcription: TwilioTranscription,
): Promise<TwilioTranscription> {
  return keepInInbox(db, {
    family: RECORDING_FAMILY,
    kind: 'transcription',
    eventKey: `recording:${transcription.eventKey}`,
    workflowId: recordingWorkflowId(start.recordingSid),
    payload: transcription,
    startInput: start,
    urgent: true,
  });
}

function entryOf(row: InboxRow): RecordingEntry {
  if (row.kind === 'status') return { kind: 'status', callback: row.payload as RecordingCallback };
  if (row.kind === 'transcription') {
    return { kind: 'transcription', transcription: row.payload as TwilioTranscription };
  }
  throw new Error(`a recording inbox row of unknown kind "${row.kind}"`);
}

export interface RecordingDelivererDeps {
  temporal: Client;
  taskQueue: string;
  twilioTaskQueue: string;
  log: InboxLog;
}

/**
 * The recording family's deliverer: every waiting callback of a recording goes in one
 * signal-with-start, so whichever status arrives first starts the workflow and the rest join it.
 */
export function createRecordingDeliverer(deps: RecordingDelivererDeps): Deliverer {
  return {
    family: RECORDING_FAMILY,
    async deliver(workflowId, rows) {
      const start = rows.find((r) => r.startInput !== null)?.startInput as
        StoredRecordingStart | undefined;
      const entries = rows.map(entryOf);
      if (!start) {
        await deps.temporal.workflow.getHandle(workflowId).signal(recordingEntriesSignal, entries);
        return;
      }
      await deps.temporal.workflow.signalWithStart<typeof recordingWorkflow, [RecordingEntry[]]>(
        RECORDING_WORKFLOW_TYPE,
        {
          ...recordingStartOptions(
            { ...start, twilioTaskQueue: deps.twilioTaskQueue },
            deps.taskQueue,
          ),
          signal: recordingEntriesSignal,
          signalArgs: [entries],
        },
      );
    },
    // A purged recording's workflow has closed: a late duplicate callback has nothing left to do.
    isGone: (err) =>
      err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError,
    afterClose(workflowId, rows) {
      deps.log.warn(
        { workflowId, rows: rows.length },
        'recording callbacks after its workflow closed; dropped',
      );
      return Promise.resolve();
    },
  };
}
