import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { CallLogBatch } from '../../../activities/call/call-log';
import type { Db } from '../../../src/db/pool';
import { callWebhookUpdate, type CallInput } from '../../../workflows/call/definitions';
import type { callWorkflow } from '../../../workflows/call/workflow';
import type { CallStatus } from '../../../workflows/shared/call-status';
import type { TwimlPlan } from '../../../workflows/shared/twiml-plan';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { testCallInput } from '../../helpers/env';

export type CallHandle = WorkflowHandle<typeof callWorkflow>;
export type HistoryEvent = NonNullable<
  Awaited<ReturnType<CallHandle['fetchHistory']>>['events']
>[number];

/** Starts a call with its inbound webhook as an update (WEBHOOK_MODE=update), as the server does. */
export async function startUpdateCall(
  client: Client,
  taskQueue: string,
  callSid: string,
  input: Partial<CallInput> & { ivrName?: string } = {},
): Promise<{ handle: CallHandle; plan: TwimlPlan }> {
  const { ivrName, ...overrides } = input;
  const plan = await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
    args: [{ kind: 'inbound' }],
    updateId: 'inbound',
    startWorkflowOperation: new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
      workflowId: callWorkflowId(callSid),
      taskQueue,
      args: [{ ...testCallInput(callSid, ivrName), ...overrides }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  return { handle: client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid)), plan };
}

/** The step of the interactive verb in a plan. */
export function stepOf(plan: TwimlPlan): string {
  for (const verb of plan.verbs) if ('action' in verb) return verb.action.step;
  throw new Error(`no interactive verb in ${JSON.stringify(plan)}`);
}

/** A status callback as the webhook server keys it; sequence -1 is a callback without one. */
export function statusEvent(
  callSid: string,
  key: string,
  callStatus: CallStatus,
  sequenceNumber: number,
  timestamp: string,
  durationSeconds?: number,
) {
  return {
    eventKey: `${callSid}:status:${key}`,
    callStatus,
    sequenceNumber,
    timestamp,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  };
}

export async function historyOf(handle: CallHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

/** Call-log writes scheduled as (remote) activities, with the batch each carried. */
export function scheduledWrites(events: HistoryEvent[]): CallLogBatch[] {
  return events
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === 'writeCallLog')
    .map((a) => defaultPayloadConverter.fromPayload<CallLogBatch>(a!.input!.payloads![0]!));
}

/** Local-activity markers (every local activity of this workflow is a call-log write). */
export function localWrites(events: HistoryEvent[]): HistoryEvent[] {
  return events.filter(
    (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
  );
}

export function failedTasks(events: HistoryEvent[]): HistoryEvent[] {
  return events.filter((e) => e.workflowTaskFailedEventAttributes);
}

export interface LoggedIvrEvent {
  kind: string;
  detail: { node?: string; option?: string; granted?: boolean };
}

export async function ivrEvents(db: Db, callSid: string): Promise<LoggedIvrEvent[]> {
  const { rows } = await db.query<LoggedIvrEvent>(
    `SELECT kind, detail FROM call_events WHERE call_sid = $1 AND kind LIKE 'ivr.%' ORDER BY id`,
    [callSid],
  );
  return rows;
}

export async function consentRows(
  db: Db,
  callSid: string,
): Promise<{ granted: boolean; answered: boolean }[]> {
  const { rows } = await db.query<{ granted: boolean; answered: boolean }>(
    'SELECT granted, answered FROM consent_events WHERE call_sid = $1 ORDER BY id',
    [callSid],
  );
  return rows;
}
