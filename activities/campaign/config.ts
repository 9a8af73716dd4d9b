import type { RegionWindowRule } from '../../workflows/campaign/window';

/** What campaign activities need from config; the worker builds it (src/campaign/activity-config.ts). */
export interface CampaignActivityConfig {
  /** Base of the webhook URLs an outbound call and its SMS carry. */
  publicBaseUrl: string;
  /** Derives the key that MACs those URLs' tokens. */
  authToken: string;
  /** The pacing scope every campaign of the account shares. */
  accountSid: string;
  accountCps: number;
  toleranceMs: number;
  regionRules: RegionWindowRule[];
  /** Calls to one number across every campaign: at most `max` in `windowHours`. */
  attemptCap: { max: number; windowHours: number };
  /**
   * Whether a campaign's rehearsal clock offset is honoured: only when Twilio is the simulator
   * (TWILIO_API_BASE_URL set), so a real callee is never judged by a shifted clock.
   */
  rehearsalAllowed: boolean;
}

export function requireCampaignConfig(
  config: CampaignActivityConfig | undefined,
): CampaignActivityConfig {
  if (!config)
    throw new Error('campaign activities need the campaign config (ActivityDeps.campaign)');
  return config;
}
