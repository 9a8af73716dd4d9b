import type { PoolClient } from 'pg';
import {
  isFinalStatus,
  isNewerStatus,
  type StatusPosition,
} from '../../workflows/shared/call-status';
import type { CallEventInput, CallRow } from './call-log';

/** What a batch's status events do to a call row: the position they leave it at, and its end. */
export interface StatusMove {
  position: StatusPosition;
  endedAt?: string;
  durationSeconds?: number;
}

const MAX_INT4 = 2_147_483_647;

/** Twilio's SequenceNumber as stored: absent (NULL) for -1, undefined or anything not an int4. */
export function storedSequence(n: number | undefined): number | undefined {
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= MAX_INT4 ? n : undefined;
}

function durationOf(detail: Record<string, unknown>): number | undefined {
  const d = detail.durationSeconds;
  return typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_INT4 ? d : undefined;
}

/** The last move a batch makes from `start`, by the same rule as the call workflow's. */
export function foldStatusEvents(
  start: StatusPosition,
  events: CallEventInput[],
): StatusMove | undefined {
  let current = start;
  let move: StatusMove | undefined;
  for (const e of events) {
    if (e.callStatus === undefined) continue;
    const candidate = {
      callStatus: e.callStatus,
      sequenceNumber: storedSequence(e.sequenceNumber),
      timestamp: e.occurredAt,
    };
    if (!isNewerStatus(candidate, current)) continue;
    current = candidate;
    move = isFinalStatus(e.callStatus)
      ? { position: candidate, endedAt: e.occurredAt, durationSeconds: durationOf(e.detail) }
      : { position: candidate };
  }
  return move;
}

/**
 * The status a new call row starts at. The workflow's own status may already be final, derived
 * from a callback in this very batch: the row starts below every status instead, so that callback
 * moves it and brings its end time and duration. The claim is settled after the events.
 */
export function insertedStatus(call: CallRow): string {
  return isFinalStatus(call.status) ? 'queued' : call.status;
}

/** A final status the workflow claimed on the call row, kept when no callback of the batch ends it. */
function settleFinalClaim(
  call: CallRow,
  start: StatusPosition,
  move: StatusMove | undefined,
): StatusMove | undefined {
  const reached = move?.position ?? start;
  if (!isFinalStatus(call.status) || isFinalStatus(reached.callStatus)) return move;
  return { ...move, position: { ...reached, callStatus: call.status } };
}

async function lockPosition(
  client: PoolClient,
  callSid: string,
): Promise<StatusPosition | undefined> {
  // The workflow and the outbox relay may write the same call at once: the row lock orders them.
  const { rows } = await client.query<{
    status: string;
    status_sequence: number | null;
    status_at: Date | null;
  }>(`SELECT status, status_sequence, status_at FROM calls WHERE call_sid = $1 FOR UPDATE`, [
    callSid,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    callStatus: row.status,
    sequenceNumber: row.status_sequence ?? undefined,
    timestamp: row.status_at?.toISOString(),
  };
}

/** Moves the call row's status by the batch's status callbacks, in one UPDATE at most. */
export async function applyStatusEvents(
  client: PoolClient,
  callSid: string,
  events: CallEventInput[],
  insertedCall: CallRow | undefined,
): Promise<void> {
  const start = await lockPosition(client, callSid);
  if (!start) return;
  const folded = foldStatusEvents(start, events);
  const move = insertedCall ? settleFinalClaim(insertedCall, start, folded) : folded;
  if (!move) return;
  await client.query(
    `UPDATE calls
        SET status = $2, status_sequence = $3, status_at = $4, updated_at = now(),
            ended_at = COALESCE($5, ended_at), duration_seconds = COALESCE($6, duration_seconds)
      WHERE call_sid = $1`,
    [
      callSid,
      move.position.callStatus,
      storedSequence(move.position.sequenceNumber) ?? null,
      move.position.timestamp ?? null,
      move.endedAt ?? null,
      move.durationSeconds ?? null,
    ],
  );
}
