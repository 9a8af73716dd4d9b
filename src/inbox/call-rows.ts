import type { CallInput, CallStatusEvent, CallStep } from '../../workflows/call/definitions';
import { isFinalStatus } from '../../workflows/shared/call-status';
import { callWorkflowId } from '../../workflows/shared/ids';
import type { IvrDefinition } from '../../workflows/ivr/types';
import type { Db } from '../db/pool';
import { keepInInbox } from './store';

/** The call family's name in the inbox (`callback_inbox.family`). */
export const CALL_FAMILY = 'call';

/**
 * How a row keeps what starts its call: the IVR by id and version, not the whole definition
 * (every row of a call would repeat it). Rows written before this carry the full CallInput.
 */
export type StoredCallStart = Omit<CallInput, 'ivr'> & { ivr: { id: string; version: number } };

/** Finds an IVR version for the relay: `IvrRegistry.version` bound to its database. */
export type IvrLookup = (id: string, version: number) => Promise<IvrDefinition | undefined>;

const stored = (input: CallInput): StoredCallStart => ({
  ...input,
  ivr: { id: input.ivr.id, version: input.ivr.version },
});

/** The CallInput a row's start input stands for, with its IVR version looked up. */
export async function hydrateCallStart(start: unknown, ivrs: IvrLookup): Promise<CallInput> {
  const kept = start as StoredCallStart | CallInput;
  if ('nodes' in kept.ivr) return kept as CallInput;
  const ivr = await ivrs(kept.ivr.id, kept.ivr.version);
  if (!ivr) throw new Error(`IVR ${kept.ivr.id} v${kept.ivr.version} is not stored`);
  return { ...kept, ivr };
}

/**
 * Keeps a webhook step answered in journal mode; returns the step kept first under its key, so a
 * Twilio retry is answered from the same state and instant.
 */
export function keepCallStep(
  db: Db,
  row: { step: CallStep; startInput: CallInput },
): Promise<CallStep> {
  const workflowId = callWorkflowId(row.startInput.callSid);
  return keepInInbox(db, {
    family: CALL_FAMILY,
    kind: 'step',
    eventKey: `${workflowId}:step:${row.step.key}`,
    workflowId,
    payload: row.step,
    startInput: stored(row.startInput),
  });
}

/**
 * Keeps a status callback. Twilio does not retry status callbacks, so a row is the only copy. A
 * final status is urgent: the workflow can close once it has it.
 */
export function keepCallStatus(
  db: Db,
  row: { callSid: string; event: CallStatusEvent; startInput?: CallInput },
): Promise<CallStatusEvent> {
  return keepInInbox(db, {
    family: CALL_FAMILY,
    kind: 'status',
    eventKey: row.event.eventKey,
    workflowId: callWorkflowId(row.callSid),
    payload: row.event,
    ...(row.startInput ? { startInput: stored(row.startInput) } : {}),
    urgent: isFinalStatus(row.event.callStatus),
  });
}
