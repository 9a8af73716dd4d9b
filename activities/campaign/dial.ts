import type { Db } from '../../src/db/pool';
import { encodeOutboundToken, outboundTokenKey } from '../../src/campaign/webhook-token';
import { addOptOut, claimContactAttempt, isSuppressed } from '../../src/suppression/store';
import { isWithinWindow, type DailyWindow } from '../../workflows/campaign/window';
import type { CampaignActivityConfig } from './config';

export interface PreDialInput {
  campaignId: string;
  phone: string;
  timeZone: string;
  window: DailyWindow;
  /** The try's intent key: the cross-campaign cap counts it once however often this runs. */
  intentKey: string;
  /** A rehearsal's shift of the window clock; honoured only where `rehearsalAllowed`. */
  clockOffsetMs?: number;
}

/** Why a call may not be created now; `ok` when it may. */
export type PreDialVerdict = 'ok' | 'suppressed' | 'capped' | 'outside-window';

export interface IntentInput {
  intentKey: string;
  campaignId: string;
  contactId: number;
  phone: string;
  from: string;
}

export interface WebhookUrlsInput {
  attemptWorkflowId: string;
  tryNo: number;
  ivrId: string;
  ivrVersion: number;
}

export interface WebhookUrls {
  answer: string;
  status: string;
  amd: string;
  sms: string;
}

/**
 * What stands between an attempt and Twilio: the checks made immediately before a create, and the
 * intent written before it, so a create whose answer was lost is reconciled and never repeated.
 */
export function createDialActivities(db: Db, config: () => CampaignActivityConfig) {
  return {
    /**
     * The window, the opt-outs and the per-number cap, in that order, just before a create: a STOP
     * that came while the attempt waited, or a window that closed, stops it here.
     */
    async checkBeforeDial(input: PreDialInput): Promise<PreDialVerdict> {
      const offset = config().rehearsalAllowed ? (input.clockOffsetMs ?? 0) : 0;
      if (!isWithinWindow(Date.now() + offset, input.timeZone, input.window)) {
        return 'outside-window';
      }
      if (await isSuppressed(db, input.phone)) return 'suppressed';
      const claimed = await claimContactAttempt(
        db,
        input.phone,
        config().attemptCap,
        input.intentKey,
      );
      return claimed ? 'ok' : 'capped';
    },

    /** The intent, before the request; returns when it was first written (for the reconcile). */
    async recordDialIntent(input: IntentInput): Promise<string> {
      const { rows } = await db.query<{ intended_at: Date }>(
        `INSERT INTO dial_intents (intent_key, campaign_id, contact_id, phone, from_number)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (intent_key) DO UPDATE SET intent_key = EXCLUDED.intent_key
         RETURNING intended_at`,
        [input.intentKey, input.campaignId, input.contactId, input.phone, input.from],
      );
      return (rows[0]?.intended_at ?? new Date()).toISOString();
    },

    async resolveDialIntent(intentKey: string, callSid: string): Promise<void> {
      await db.query(
        `UPDATE dial_intents SET call_sid = $2, resolved_at = now()
          WHERE intent_key = $1 AND call_sid IS NULL`,
        [intentKey, callSid],
      );
    },

    /** CallSids other intents already own: a reconcile must not adopt another attempt's call. */
    async callSidsOfOtherIntents(intentKey: string, callSids: string[]): Promise<string[]> {
      const { rows } = await db.query<{ call_sid: string }>(
        'SELECT call_sid FROM dial_intents WHERE call_sid = ANY($1) AND intent_key <> $2',
        [callSids, intentKey],
      );
      return rows.map((r) => r.call_sid);
    },

    /** The URLs of one try, each with its own MACed token. */
    webhookUrls(input: WebhookUrlsInput): Promise<WebhookUrls> {
      const { publicBaseUrl, authToken } = config();
      const key = outboundTokenKey(authToken);
      const base = publicBaseUrl.replace(/\/$/, '');
      const token = {
        attempt: input.attemptWorkflowId,
        tryNo: input.tryNo,
        ivrId: input.ivrId,
        ivrVersion: input.ivrVersion,
      };
      const now = new Date();
      const url = (path: string, route: 'answer' | 'status' | 'amd' | 'sms'): string =>
        `${base}${path}?t=${encodeOutboundToken(key, route, token, now)}`;
      return Promise.resolve({
        answer: url('/campaign/answer', 'answer'),
        status: url('/campaign/status', 'status'),
        amd: url('/campaign/amd', 'amd'),
        sms: url('/sms/status', 'sms'),
      });
    },

    /** Checked again right before the SMS fallback: a STOP during the call wins. */
    async isPhoneSuppressed(phone: string): Promise<boolean> {
      return isSuppressed(db, phone);
    },

    /** Twilio refused the SMS with 21610: the number replied STOP to our sender. */
    async recordCarrierOptOut(phone: string): Promise<void> {
      await addOptOut(db, phone, 'twilio-21610');
    },
  };
}
