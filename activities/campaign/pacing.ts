import type { Db } from '../../src/db/pool';
import type { CampaignActivityConfig } from './config';

/**
 * A slot is handed out this far ahead at least: the attempt still runs its checks and the create
 * activity still crosses the Twilio task queue before the slot comes. At 0.4 s, then 1.5 s, a
 * worker or Temporal server short of CPU missed slots (each one lost to the rate); 3 s rarely does.
 */
const LEAD_MS = 3000;
/** How soon an attempt asks again when the campaign has `maxConcurrent` live calls. */
const FULL_RETRY_MS = 1000;

export type DialClaim =
  | { kind: 'slot'; slotAt: number; notAfter: number }
  | { kind: 'full'; retryAt: number }
  | { kind: 'paused' }
  | { kind: 'canceled' }
  | { kind: 'completed' };

export interface ClaimInput {
  campaignId: string;
  /** Unique per claim: an activity retry of the same claim gets the same slot back. */
  leaseKey: string;
}

/**
 * Pacing and the live-call cap in one statement (`claim_dial_slot`, migration 1764000000010): the
 * campaign's row is locked (its live calls counted once), then the account's and the campaign's
 * pacing clocks in a fixed order. Every worker and campaign of the account draws from these clocks.
 */
export function createPacingActivities(db: Db, config: () => CampaignActivityConfig) {
  return {
    async claimDialSlot(input: ClaimInput): Promise<DialClaim> {
      const { accountSid, accountCps, toleranceMs } = config();
      const now = Date.now();
      // Slots are spaced by the tolerance or by the account's create round trip plus 5 ms, the
      // larger: the send gate lets a create leave a second plus a round trip after the CPS-th
      // before it, and slots closer than that would run ever further ahead of their creates.
      const { rows } = await db.query<{ kind: string; slot_at: string; not_after: string }>(
        `WITH s AS (
           SELECT greatest($5::float8,
             coalesce((SELECT round_trip_ms FROM dial_pacing WHERE scope = $3), 0) + 5) AS ms)
         SELECT c.kind, c.slot_at, c.not_after
           FROM s, LATERAL claim_dial_slot($1, $2, $3, (1000 + s.ms) / $4, s.ms, $6) c`,
        [
          input.campaignId,
          input.leaseKey,
          `account:${accountSid}`,
          accountCps,
          toleranceMs,
          now + LEAD_MS,
        ],
      );
      const row = rows[0];
      if (!row) throw new Error('claim_dial_slot returned no row');
      if (row.kind === 'slot') {
        return { kind: 'slot', slotAt: Number(row.slot_at), notAfter: Number(row.not_after) };
      }
      if (row.kind === 'full') return { kind: 'full', retryAt: now + FULL_RETRY_MS };
      return { kind: row.kind } as DialClaim;
    },

    /** Frees a live-call lease: the call ended, or its create never happened. Idempotent. */
    async releaseLiveCall(leaseKey: string): Promise<void> {
      await db.query('DELETE FROM campaign_live_calls WHERE lease_key = $1', [leaseKey]);
    },
  };
}
