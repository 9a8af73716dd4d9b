import { campaignOutcomes } from '../../src/metrics/campaign';
import type { Db } from '../../src/db/pool';
import type {
  CampaignContact,
  CampaignRunState,
  CampaignSettings,
} from '../../workflows/campaign/definitions';
import type { ContactOutcome } from '../../workflows/campaign/progress';
import type { RegionWindowRule } from '../../workflows/campaign/window';
import type { CampaignActivityConfig } from './config';

export interface RegisterInput {
  campaignId: string;
  settings: CampaignSettings;
  contacts: CampaignContact[];
}

export interface Registered {
  total: number;
  ivrVersion: number;
  regionRules: RegionWindowRule[];
}

export interface ContactResult {
  campaignId: string;
  contactId: number;
  outcome: ContactOutcome;
  calls: number;
  callSids: string[];
  answeredBy?: string;
  smsStatus?: string;
}

const INSERT_BATCH = 500;

/** Campaign rows: what every pacing claim reads, and one row per contact for the results. */
export function createCampaignStoreActivities(db: Db, config: () => CampaignActivityConfig) {
  return {
    /**
     * Stores the campaign and its contacts (idempotent: a retry or a second start finds them) and
     * fixes the IVR version every call of the campaign runs.
     */
    async registerCampaign(input: RegisterInput): Promise<Registered> {
      const { campaignId, settings, contacts } = input;
      const ivr = await db.query<{ version: number }>(
        'SELECT max(version) AS version FROM ivr_definitions WHERE ivr_id = $1',
        [settings.ivrId],
      );
      const ivrVersion = ivr.rows[0]?.version;
      if (!ivrVersion) throw new Error(`no IVR "${settings.ivrId}" is stored (npm run cli -- ivr)`);
      await db.query(
        `INSERT INTO campaigns (campaign_id, name, from_number, ivr_id, settings, cps,
                                max_concurrent, contacts_total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id) DO NOTHING`,
        [
          campaignId,
          settings.name,
          settings.from,
          settings.ivrId,
          JSON.stringify(settings),
          settings.cps,
          settings.maxConcurrent,
          contacts.length,
        ],
      );
      for (let i = 0; i < contacts.length; i += INSERT_BATCH) {
        const batch = contacts.slice(i, i + INSERT_BATCH);
        await db.query(
          `INSERT INTO campaign_contacts (campaign_id, contact_id, line, phone, name, time_zone, variables)
           SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
           ON CONFLICT DO NOTHING`,
          [
            campaignId,
            batch.map((c) => c.id),
            batch.map((c) => c.line),
            batch.map((c) => c.phone),
            batch.map((c) => c.name ?? null),
            batch.map((c) => c.timeZone),
            batch.map((c) => JSON.stringify(c.variables)),
          ],
        );
      }
      const total = await db.query<{ contacts_total: number }>(
        'SELECT contacts_total FROM campaigns WHERE campaign_id = $1',
        [campaignId],
      );
      return {
        total: total.rows[0]?.contacts_total ?? contacts.length,
        ivrVersion,
        regionRules: config().regionRules,
      };
    },

    /** The next contacts after `afterId`, in id order. */
    async nextContacts(campaignId: string, afterId: number, limit: number) {
      const { rows } = await db.query<{
        contact_id: number;
        line: number;
        phone: string;
        name: string | null;
        time_zone: string;
        variables: Record<string, string>;
      }>(
        `SELECT contact_id, line, phone, name, time_zone, variables FROM campaign_contacts
          WHERE campaign_id = $1 AND contact_id > $2 ORDER BY contact_id LIMIT $3`,
        [campaignId, afterId, limit],
      );
      return rows.map((r): CampaignContact => ({
        id: r.contact_id,
        line: r.line,
        phone: r.phone,
        ...(r.name ? { name: r.name } : {}),
        timeZone: r.time_zone,
        variables: r.variables,
      }));
    },

    /** Pause, resume, cancel or complete: every attempt's next pacing claim sees it at once. */
    async setCampaignState(campaignId: string, state: CampaignRunState): Promise<void> {
      await db.query('UPDATE campaigns SET state = $2, updated_at = now() WHERE campaign_id = $1', [
        campaignId,
        state,
      ]);
    },

    async setCampaignRate(campaignId: string, cps: number): Promise<void> {
      await db.query('UPDATE campaigns SET cps = $2, updated_at = now() WHERE campaign_id = $1', [
        campaignId,
        cps,
      ]);
    },

    async recordContactResult(result: ContactResult): Promise<void> {
      // The first write wins: a retry after the commit changes nothing and is not counted again.
      const { rowCount } = await db.query(
        `UPDATE campaign_contacts
            SET outcome = $3, attempts = $4, call_sids = $5, answered_by = $6, sms_status = $7,
                finished_at = now()
          WHERE campaign_id = $1 AND contact_id = $2 AND outcome IS NULL`,
        [
          result.campaignId,
          result.contactId,
          result.outcome,
          result.calls,
          result.callSids,
          result.answeredBy ?? null,
          result.smsStatus ?? null,
        ],
      );
      if (rowCount === 1) campaignOutcomes.inc({ outcome: result.outcome });
    },
  };
}
