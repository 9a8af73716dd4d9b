/** Twilio's call statuses; the last five are final: once a call has one, its status never moves. */
export const FINAL_CALL_STATUSES = [
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
] as const;
export const CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  ...FINAL_CALL_STATUSES,
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export function isFinalStatus(status: string): boolean {
  return (FINAL_CALL_STATUSES as readonly string[]).includes(status);
}

const FINAL_RANK = 4;

/** A call's lifecycle only moves forward: queued < initiated < ringing < in-progress < any final. */
export function statusRank(status: string): number {
  if (isFinalStatus(status)) return FINAL_RANK;
  const rank = CALL_STATUSES.indexOf(status as CallStatus);
  return rank < 0 ? -1 : rank;
}

/**
 * Where a call's status stands: the status and the callback that set it. The workflow keeps one,
 * the call log keeps one per row (status, status_sequence, status_at).
 */
export interface StatusPosition {
  callStatus: string;
  /** Twilio's SequenceNumber; undefined or -1 when the callback carried none. */
  sequenceNumber?: number;
  /** ISO 8601 time of the callback; undefined while no callback has moved the status. */
  timestamp?: string;
}

/** A status callback offered to a position: it always carries Twilio's Timestamp. */
export type StatusCandidate = StatusPosition & { timestamp: string };

function sequenceOf(p: StatusPosition): number | undefined {
  const n = p.sequenceNumber;
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function timeOf(p: StatusPosition): number | undefined {
  const t = p.timestamp === undefined ? NaN : Date.parse(p.timestamp);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Whether `candidate` should replace `current`. Twilio delivers status callbacks at least once and
 * in any order, and only some carry a SequenceNumber, so: a final status is never left; else when
 * both carry a SequenceNumber (-1 or undefined means none) the higher one wins; else the later
 * Timestamp wins; and on a tie (same second, or no time on `current`) the higher
 * {@link statusRank} wins. Equal positions are not newer, so re-applying a callback changes nothing.
 */
export function isNewerStatus(candidate: StatusCandidate, current: StatusPosition): boolean {
  if (isFinalStatus(current.callStatus)) return false;
  const seqCandidate = sequenceOf(candidate);
  const seqCurrent = sequenceOf(current);
  if (seqCandidate !== undefined && seqCurrent !== undefined) return seqCandidate > seqCurrent;
  const timeCandidate = timeOf(candidate);
  const timeCurrent = timeOf(current);
  if (timeCandidate !== undefined && timeCurrent !== undefined && timeCandidate !== timeCurrent) {
    return timeCandidate > timeCurrent;
  }
  return statusRank(candidate.callStatus) > statusRank(current.callStatus);
}
