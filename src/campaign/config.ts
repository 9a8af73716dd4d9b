import { z } from 'zod';
import type { CampaignActivityConfig } from '../../activities/campaign/config';
import type { RegionWindowRule } from '../../workflows/campaign/window';
import { parseWindow } from '../../workflows/campaign/window';

const HHMM = /^\d{2}:\d{2}-\d{2}:\d{2}$/;

/**
 * `CAMPAIGN_REGION_WINDOWS`: JSON, a list of `{ "label", "prefixes", "timeZones", "window" }` with
 * the window as `HH:MM-HH:MM` (e.g. a state's stricter quiet hours by area code).
 */
function parseRegionRules(text: string, ctx: z.RefinementCtx): RegionWindowRule[] {
  if (text.trim() === '') return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON list of rules' });
    return [];
  }
  const rule = z.object({
    label: z.string().min(1),
    prefixes: z.array(z.string().regex(/^\+\d{1,8}$/)).default([]),
    timeZones: z.array(z.string().min(1)).default([]),
    window: z.string().regex(HHMM),
  });
  const parsed = z.array(rule).safeParse(raw);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'bad rule' });
    return [];
  }
  try {
    return parsed.data.map((r) => ({ ...r, window: parseWindow(r.window) }));
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return [];
  }
}

/** The campaign family's configuration keys, spread into src/config.ts's schema. */
export const campaignConfigFields = {
  // Twilio's default is 1 call per second per account (a whole number); creations above it are
  // queued, not refused.
  TWILIO_ACCOUNT_CPS: z.coerce.number().int().min(1).max(1000).default(1),
  // Headroom per slot: slots are spaced (1000 + this) / CPS ms apart, so a create's round trip to
  // Twilio, which the send gate waits out before the CPS-th next create, rarely delays one.
  CAMPAIGN_PACING_TOLERANCE_MS: z.coerce.number().int().min(1).max(500).default(10),
  CAMPAIGN_REGION_WINDOWS: z.string().default('').transform(parseRegionRules),
  // Calls to one number across every campaign, claimed atomically before each create.
  CAMPAIGN_CONTACT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  CAMPAIGN_CONTACT_WINDOW_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 31)
    .default(24),
  // Where `npm run campaign -- start` points its link (the dev server's UI by default).
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
};

/**
 * A rehearsal (`--rehearse-at`) shifts the calling-window clock; it is allowed only against the
 * simulator, which a set TWILIO_API_BASE_URL means (empty is Twilio itself).
 */
export function rehearsalAllowed(config: { TWILIO_API_BASE_URL: string }): boolean {
  return config.TWILIO_API_BASE_URL !== '';
}

/** What the campaign activities take from the process configuration. */
export function campaignActivityConfig(config: {
  PUBLIC_BASE_URL: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_ACCOUNT_SID: string;
  TWILIO_ACCOUNT_CPS: number;
  CAMPAIGN_PACING_TOLERANCE_MS: number;
  CAMPAIGN_REGION_WINDOWS: RegionWindowRule[];
  CAMPAIGN_CONTACT_MAX_ATTEMPTS: number;
  CAMPAIGN_CONTACT_WINDOW_HOURS: number;
  TWILIO_API_BASE_URL: string;
}): CampaignActivityConfig {
  return {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    authToken: config.TWILIO_AUTH_TOKEN,
    accountSid: config.TWILIO_ACCOUNT_SID,
    accountCps: config.TWILIO_ACCOUNT_CPS,
    toleranceMs: config.CAMPAIGN_PACING_TOLERANCE_MS,
    regionRules: config.CAMPAIGN_REGION_WINDOWS,
    attemptCap: {
      max: config.CAMPAIGN_CONTACT_MAX_ATTEMPTS,
      windowHours: config.CAMPAIGN_CONTACT_WINDOW_HOURS,
    },
    rehearsalAllowed: rehearsalAllowed(config),
  };
}
