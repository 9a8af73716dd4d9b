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
 * (`grant_dial_send`, migrations 1764000000040 and 1764000000045), on the database's clock alone.
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
  // The answer is stamped at the instant it was back here, not when its report reaches the
  // database: the time it waits for a connection and for the query would hold the gate shut.
  const answered = (id: string) => async (): Promise<void> => {
    const back = performance.now();
    try {
      const client = await db.connect();
      try {
        await client.query('SELECT answer_dial_send($1, $2)', [id, performance.now() - back]);
      } finally {
        client.release();
      }
    } catch (err) {
      options.onError?.(err);
    }
  };
  return {
    async acquire({ phone, deadline }) {
      const started = Date.now();
      for (;;) {
        const { rows } = await db.query<{ kind: string; send_id: string; wait_ms: number }>(
          'SELECT kind, send_id, wait_ms FROM grant_dial_send($1, $2, $3, $4, $5, $6)',
          [scope, options.cps, WINDOW_MS, phone, IN_FLIGHT_MS, Math.max(0, deadline - Date.now())],
        );
        const row = rows[0];
        if (!row) throw new Error('grant_dial_send returned no row');
        if (row.kind === 'suppressed') return { kind: 'suppressed' };
        if (row.kind === 'granted') {
          // The grant starts when the gate opens: never send before it.
          if (row.wait_ms > 0) await sleep(Math.ceil(row.wait_ms));
          return {
            kind: 'granted',
            waitedMs: Date.now() - started,
            answered: answered(row.send_id),
          };
        }
        // Answered creates hold the gate past the deadline (wait_ms within the window), or one
        // still in flight holds it until its answer, which can come back any moment.
        const late = row.wait_ms <= WINDOW_MS || Date.now() + POLL_MS > deadline;
        if (late) return { kind: 'late', waitedMs: Date.now() - started };
        await sleep(POLL_MS);
      }
    },
  };
}
