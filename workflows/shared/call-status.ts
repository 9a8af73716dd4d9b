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
