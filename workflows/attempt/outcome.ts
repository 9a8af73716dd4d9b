import type { ContactOutcome } from '../campaign/progress';

/** Twilio's final call statuses as a try's result. */
export type TryStatus = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export const FINAL_CALL_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
]);

/** AnsweredBy values that mean a machine (Twilio's async AMD); `fax` counts as one too. */
export function isMachine(answeredBy: string | undefined): boolean {
  return answeredBy !== undefined && (answeredBy.startsWith('machine') || answeredBy === 'fax');
}

/** How one try ended, as a contact outcome. */
export function outcomeOfTry(status: TryStatus, answeredBy: string | undefined): ContactOutcome {
  if (status === 'completed') return isMachine(answeredBy) ? 'machine' : 'answered';
  return status === 'canceled' ? 'canceled' : status;
}

/**
 * After a try: another one (busy and no-answer, within the one budget per contact), or done.
 * The budget counts calls placed, so a retry of a create (20429, a missed slot) never spends it.
 */
export function shouldRetry(outcome: ContactOutcome, callsPlaced: number, maxAttempts: number) {
  return (outcome === 'busy' || outcome === 'no-answer') && callsPlaced < maxAttempts;
}

/** Final outcomes that get the SMS fallback. */
export function wantsSms(outcome: ContactOutcome): boolean {
  return outcome === 'busy' || outcome === 'no-answer' || outcome === 'failed';
}
