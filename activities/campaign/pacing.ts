import type { PoolClient } from 'pg';
import type { Db } from '../../src/db/pool';
import { claimSlot, intervalMs, type PacingClock } from '../../workflows/campaign/pacing';
import type { CampaignActivityConfig } from './config';

/**
 * A slot is handed out this far ahead at least: the attempt still runs its checks and the create
 * activity still crosses the Twilio task queue before the slot comes.
 */
const LEAD_MS = 400;
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

async function inTransaction<T>(db: Db, run: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Pacing and the live-call cap in one transaction: the campaign's row is locked (so its live calls
 * are counted once), then the account's and the campaign's pacing clocks in a fixed order (no
 * deadlock between campaigns). Every worker and campaign of the account draws from these clocks.
 */
export function createPacingActivities(db: Db, config: () => CampaignActivityConfig) {
  return {
    async claimDialSlot(input: ClaimInput): Promise<DialClaim> {
      const { accountSid, accountCps, toleranceMs } = config();
      return inTransaction(db, async (c) => {
        const { rows } = await c.query<{ state: string; cps: number; max_concurrent: number }>(
          'SELECT state, cps, max_concurrent FROM campaigns WHERE campaign_id = $1 FOR UPDATE',
          [input.campaignId],
        );
        const campaign = rows[0];
        if (!campaign) throw new Error(`campaign ${input.campaignId} is not registered`);
        if (campaign.state !== 'running') return { kind: campaign.state } as DialClaim;
        const held = await c.query<{ slot_at: string; not_after: string }>(
          'SELECT slot_at, not_after FROM campaign_live_calls WHERE lease_key = $1',
          [input.leaseKey],
        );
        if (held.rows[0]) {
          const { slot_at, not_after } = held.rows[0];
          return { kind: 'slot', slotAt: Number(slot_at), notAfter: Number(not_after) };
        }
        const live = await c.query<{ n: string }>(
          'SELECT count(*) AS n FROM campaign_live_calls WHERE campaign_id = $1',
          [input.campaignId],
        );
        const now = Date.now();
        if (Number(live.rows[0]?.n ?? 0) >= campaign.max_concurrent) {
          return { kind: 'full', retryAt: now + FULL_RETRY_MS };
        }
        const scopes = [
          { scope: `account:${accountSid}`, intervalMs: intervalMs(accountCps, toleranceMs) },
          {
            scope: `campaign:${input.campaignId}`,
            intervalMs: intervalMs(campaign.cps, toleranceMs),
          },
        ];
        await c.query(
          `INSERT INTO dial_pacing (scope, next_at) SELECT unnest($1::text[]), 0
           ON CONFLICT (scope) DO NOTHING`,
          [scopes.map((s) => s.scope)],
        );
        const clocks = await c.query<{ scope: string; next_at: string }>(
          'SELECT scope, next_at FROM dial_pacing WHERE scope = ANY($1) ORDER BY scope FOR UPDATE',
          [scopes.map((s) => s.scope)],
        );
        const current: PacingClock[] = scopes.map((s) => ({
          ...s,
          nextAt: Number(clocks.rows.find((r) => r.scope === s.scope)?.next_at ?? 0),
        }));
        const { slotAt, notAfter, next } = claimSlot(current, now + LEAD_MS, toleranceMs);
        for (const clock of next) {
          await c.query('UPDATE dial_pacing SET next_at = $2 WHERE scope = $1', [
            clock.scope,
            clock.nextAt,
          ]);
        }
        await c.query(
          `INSERT INTO campaign_live_calls (lease_key, campaign_id, slot_at, not_after)
           VALUES ($1, $2, $3, $4)`,
          [input.leaseKey, input.campaignId, slotAt, notAfter],
        );
        return { kind: 'slot', slotAt, notAfter };
      });
    },

    /** Frees a live-call lease: the call ended, or its create never happened. Idempotent. */
    async releaseLiveCall(leaseKey: string): Promise<void> {
      await db.query('DELETE FROM campaign_live_calls WHERE lease_key = $1', [leaseKey]);
    },
  };
}
