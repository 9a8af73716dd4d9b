import { context } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { createCallActivities } from '../../activities/call/call-log';
import {
  callJournalSignal,
  type CallStatusEvent,
  type CallStep,
  type JournalEntry,
} from '../../workflows/call/definitions';
import { statusLogEvent } from '../../workflows/call/log-events';
import type { callWorkflow } from '../../workflows/call/workflow';
import { CALL_WORKFLOW_TYPE, callSidOf } from '../../workflows/shared/ids';
import type { Db } from '../db/pool';
import { callStartOptions } from '../temporal/call-start';
import { callTraceContext } from '../tracing/attributes';
import { CALL_FAMILY, hydrateCallStart, type IvrLookup } from './call-rows';
import type { Deliverer, InboxLog, InboxRow } from './deliverer';

export interface CallDelivererDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  ivrs: IvrLookup;
  log: InboxLog;
  /**
   * Ask for eager workflow start: the server hands a new call's first workflow task straight back
   * to this process's worker, sparing a round through the task queue. Needs `temporal` to be built
   * on the worker's `NativeConnection`.
   */
  eagerStart?: boolean;
}

function entryOf(row: InboxRow): JournalEntry {
  if (row.kind === 'step') return { kind: 'step', step: row.payload as CallStep };
  if (row.kind === 'status') return { kind: 'status', event: row.payload as CallStatusEvent };
  throw new Error(`a call inbox row of unknown kind "${row.kind}"`);
}

const startsCall = (entry: JournalEntry): boolean =>
  entry.kind === 'step' && entry.step.request.kind === 'inbound';

/**
 * A call's workflow closes once its IVR has ended and Twilio's final status is in; callbacks that
 * come later (reordered, retried) go straight into the call log, as the workflow would have
 * written them. A step for a closed call is a retry of one it already took, and is dropped.
 */
async function logAfterClose(
  { db, log }: Pick<CallDelivererDeps, 'db' | 'log'>,
  workflowId: string,
  rows: readonly InboxRow[],
): Promise<void> {
  const statuses = rows
    .map(entryOf)
    .flatMap((e) => (e.kind === 'status' ? [statusLogEvent(e.event)] : []));
  if (statuses.length < rows.length) {
    log.warn({ workflowId }, 'inbox steps for a call whose workflow has ended; dropped');
  }
  const callSid = callSidOf(workflowId);
  if (statuses.length === 0 || !callSid) return;
  const { rowCount } = await db.query('SELECT 1 FROM calls WHERE call_sid = $1', [callSid]);
  if (!rowCount) {
    log.warn({ workflowId }, 'inbox status for a call that was never logged; dropped');
    return;
  }
  await createCallActivities({ db }).writeCallLog({ callSid, events: statuses, consents: [] });
}

/**
 * The call family's deliverer: one `callJournal` signal carries everything waiting for a call, so
 * a call costs a workflow task per relay round, not per webhook.
 */
export function createCallDeliverer(deps: CallDelivererDeps): Deliverer {
  const { temporal, taskQueue, ivrs } = deps;

  /**
   * Delivery runs in the call's trace (its id is the CallSid's), so a journaled call's workflow
   * spans join the webhook spans that answered the caller. A no-op when tracing is off.
   */
  function deliver(workflowId: string, rows: readonly InboxRow[]): Promise<void> {
    const callSid = callSidOf(workflowId);
    const traced = callSid ? callTraceContext(callSid) : undefined;
    return traced ? context.with(traced, () => send(workflowId, rows)) : send(workflowId, rows);
  }

  async function send(workflowId: string, rows: readonly InboxRow[]): Promise<void> {
    const entries = rows.map(entryOf);
    const start = rows.find((r) => r.startInput !== null)?.startInput;
    if (!start) {
      await temporal.workflow.getHandle(workflowId).signal(callJournalSignal, entries);
      return;
    }
    const input = await hydrateCallStart(start, ivrs);
    if (entries.some(startsCall)) {
      // The call's first step: start the workflow with its entries as input. A workflow that
      // exists already (an earlier round, or a status callback that came first) gets a signal.
      try {
        await temporal.workflow.start(CALL_WORKFLOW_TYPE, {
          ...callStartOptions({ ...input, journal: entries }, taskQueue),
          requestEagerStart: deps.eagerStart ?? false,
        });
        return;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      await temporal.workflow.getHandle(workflowId).signal(callJournalSignal, entries);
      return;
    }
    await temporal.workflow.signalWithStart<typeof callWorkflow, [JournalEntry[]]>(
      CALL_WORKFLOW_TYPE,
      { ...callStartOptions(input, taskQueue), signal: callJournalSignal, signalArgs: [entries] },
    );
  }

  return {
    family: CALL_FAMILY,
    deliver,
    afterClose: (workflowId, rows) => logAfterClose(deps, workflowId, rows),
    // REJECT_DUPLICATE makes signal-with-start on a closed call fail as "already started".
    isGone: (err) =>
      err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError,
  };
}
