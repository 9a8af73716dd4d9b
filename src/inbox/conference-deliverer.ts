import type { Client } from '@temporalio/client';
import type { ConferenceCallback, ConferenceInput } from '../../workflows/conference/definitions';
import type { Db } from '../db/pool';
import { conferenceIsOver, signalConference } from '../temporal/conference-signal';
import type { Deliverer, InboxLog, InboxRow } from './deliverer';
import { keepInInbox } from './store';

/** The conference family's name in the inbox (`callback_inbox.family`). */
export const CONFERENCE_FAMILY = 'conference';

/** Keeps a conference callback until the relay has handed it to its workflow. */
export function keepConferenceCallback(
  db: Db,
  row: { workflowId: string; callback: ConferenceCallback; startInput?: ConferenceInput },
): Promise<ConferenceCallback> {
  return keepInInbox(db, {
    family: CONFERENCE_FAMILY,
    kind: row.callback.kind,
    eventKey: `conference:${row.workflowId}:${row.callback.key}`,
    workflowId: row.workflowId,
    payload: row.callback,
    ...(row.startInput ? { startInput: row.startInput } : {}),
  });
}

export interface ConferenceDelivererDeps {
  temporal: Client;
  taskQueue: string;
  log: InboxLog;
}

/**
 * Everything waiting for one conference goes in one signal, in the order it was written; the
 * workflow orders per participant and drops duplicates itself.
 */
export function createConferenceDeliverer(deps: ConferenceDelivererDeps): Deliverer {
  return {
    family: CONFERENCE_FAMILY,
    async deliver(workflowId: string, rows: readonly InboxRow[]): Promise<void> {
      const callbacks = rows.map((r) => r.payload as ConferenceCallback);
      const start = rows.find((r) => r.startInput !== null)?.startInput as
        ConferenceInput | undefined;
      await signalConference(deps.temporal, deps.taskQueue, workflowId, callbacks, start);
    },
    isGone: conferenceIsOver,
    // A conference's list is over once the workflow has closed; late callbacks only say so again.
    afterClose(workflowId: string, rows: readonly InboxRow[]): Promise<void> {
      deps.log.debug(
        { workflowId, rows: rows.length },
        'conference callbacks after the close; dropped',
      );
      return Promise.resolve();
    },
  };
}
