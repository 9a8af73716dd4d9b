import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/pool';

/**
 * Longest pause between two asks while a create still in flight holds the gate: its answer can
 * come back any moment, and the next create may leave a second after it.
 */
const POLL_MS = 5;
/**
 * A create whose answer is never reported (its worker died mid-request) stops holding the gate
 * after this: longer than the create's HTTP timeout and its activity's start-to-close.
 */
const IN_FLIGHT_MS = 35_000;
const WINDOW_MS = 1000;

export type GateVerdict =
  /** Send now; call `answered` once Twilio's answer or the request's failure is back. */
  | { kind: 'granted'; waitedMs: number; answered: () => Promise<void> }
  /** The number opted out: checked in the same statement, milliseconds before the request. */
  | { kind: 'suppressed' }
  /** The gate stayed shut until the deadline: nothing may be sent. */
  | { kind: 'late'; waitedMs: number };

export interface SendGateRequest {
  phone: string;
  /** Epoch ms after which the create must not leave at all. */
  deadline: number;
}

/**
 * The last check before a call create: at most the account's CPS creates may reach Twilio in any
 * one second. Pacing slots space creates out, but a request's trip to Twilio is not instant, so
 * two creates a slot apart can arrive closer than they left. Twilio counts a create on arrival,
 * which lies between the grant and the answer: a create may leave once fewer than CPS earlier
 * creates were still unanswered a second ago. Shared by every worker through PostgreSQL
 * (`grant_dial_send`, migration 1764000000040), on the database's clock alone.
 */
export interface SendGate {
  acquire(request: SendGateRequest): Promise<GateVerdict>;
}

export interface SendGateOptions {
  accountSid: string;
  /** The account's calls per second, a whole number as Twilio sets it. */
  cps: number;
  /** Reports an answer that could not be written; the create then holds the gate until it expires. */
  onError?: (err: unknown) => void;
}

export function createSendGate(db: Db, options: SendGateOptions): SendGate {
  if (!Number.isInteger(options.cps) || options.cps < 1) {
    throw new Error(`the send gate needs a whole number of calls per second, not ${options.cps}`);
  }
  const scope = `account:${options.accountSid}`;
  const answered = (id: string) => async (): Promise<void> => {
    try {
      await db.query('UPDATE dial_sends SET answered_at = clock_timestamp() WHERE id = $1', [id]);
    } catch (err) {
      options.onError?.(err);
    }
  };
  return {
    async acquire({ phone, deadline }) {
      const started = Date.now();
      for (;;) {
        const { rows } = await db.query<{ kind: string; send_id: string; wait_ms: number }>(
          'SELECT kind, send_id, wait_ms FROM grant_dial_send($1, $2, $3, $4, $5)',
          [scope, options.cps, WINDOW_MS, phone, IN_FLIGHT_MS],
        );
        const row = rows[0];
        if (!row) throw new Error('grant_dial_send returned no row');
        const waitedMs = Date.now() - started;
        if (row.kind === 'suppressed') return { kind: 'suppressed' };
        if (row.kind === 'granted')
          return { kind: 'granted', waitedMs, answered: answered(row.send_id) };
        // Answered creates hold the gate for a known time; one in flight until its answer is back.
        const pause = Math.max(1, row.wait_ms <= WINDOW_MS ? row.wait_ms : POLL_MS);
        if (Date.now() + pause > deadline) return { kind: 'late', waitedMs };
        await sleep(pause);
      }
    },
  };
}
