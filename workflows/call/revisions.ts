import { patched } from '@temporalio/workflow';
import type { CallInput } from './definitions';

/**
 * The shapes of history a call workflow has had. A call keeps the revision it started with
 * (`CallInput.revision`, set by the starter), so a call in flight replays unchanged when workers
 * are upgraded; every revision keeps replay fixtures under `test/fixtures/histories`. Revision N+1
 * is a new entry below and a new `CALL_REVISION`: nothing else branches on the number.
 */
export interface CallRevision {
  /**
   * How a call-log write runs. `local` is a local activity, run inside the workflow task that made
   * the decision; `remote` is an activity scheduled in history. Revision 1 calls chose by the
   * `call-log-local-activity` patch marker.
   */
  callLog: 'remote' | 'local';
  /**
   * When a decision made by an update handler is written. `with-decision`: in the workflow task
   * that made it. `after-commit`: in a later task (any activation after it), or, when the call
   * closes first, by a scheduled activity. An update runs in a workflow task the server may
   * discard (a speculative task, or one whose completion finds the task gone), so a local activity
   * in that task can write a decision the workflow, retried, then does not make; a later task
   * proves the earlier one was committed, and a scheduled activity only runs once it is.
   */
  updateWrites: 'with-decision' | 'after-commit';
  /** Search attributes go out in one upsert per call-log write, not one per change. */
  batchedAttributes: boolean;
  /** The first write waits for the request that started the call: call row and first events. */
  firstWriteWithStart: boolean;
  /** One timer for Twilio's 4-hour call limit, not one started and cancelled on every wake-up. */
  oneCallLimitTimer: boolean;
  /** The call closes as soon as its IVR has ended and its final status is in: no linger timer. */
  closeWhenIvrEnds: boolean;
  /**
   * Journaled steps decided from a state other than the workflow's are refused, not applied: the
   * state a step carries is only trusted as far as it matches the workflow's own.
   */
  strictJournal: boolean;
  /**
   * How status callbacks are ordered: `sequence` compares SequenceNumber only (a callback without
   * one never moved the status); `sequence-or-time` falls back to Timestamp and status rank.
   */
  statusOrder: 'sequence' | 'sequence-or-time';
}

/** Histories recorded before call-log writes became local activities replay with remote ones. */
export const LOCAL_CALL_LOG_PATCH = 'call-log-local-activity';

const REVISION_2: CallRevision = {
  callLog: 'local',
  updateWrites: 'with-decision',
  batchedAttributes: true,
  firstWriteWithStart: true,
  oneCallLimitTimer: true,
  closeWhenIvrEnds: true,
  strictJournal: false,
  statusOrder: 'sequence',
};

const REVISIONS: Record<number, () => CallRevision> = {
  1: () => ({
    ...REVISION_2,
    callLog: patched(LOCAL_CALL_LOG_PATCH) ? 'local' : 'remote',
    batchedAttributes: false,
    firstWriteWithStart: false,
    oneCallLimitTimer: false,
    closeWhenIvrEnds: false,
  }),
  2: () => REVISION_2,
  3: () => ({
    ...REVISION_2,
    updateWrites: 'after-commit',
    strictJournal: true,
    statusOrder: 'sequence-or-time',
  }),
};

/** The revision new calls start with. */
export const CALL_REVISION = 3;

/** What a call's revision means; an unknown revision fails the task rather than guess. */
export function revisionOf(input: CallInput): CallRevision {
  const revision = REVISIONS[input.revision ?? 1];
  if (!revision) throw new Error(`call revision ${String(input.revision)} is not known`);
  return revision();
}
