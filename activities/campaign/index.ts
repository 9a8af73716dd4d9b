import type { Db } from '../../src/db/pool';
import { requireCampaignConfig, type CampaignActivityConfig } from './config';
import { createDialActivities } from './dial';
import { createPacingActivities } from './pacing';
import { createCampaignStoreActivities } from './store';

/**
 * Campaign and attempt activities (PostgreSQL). Built on every worker; without the campaign config
 * (a worker that never runs campaigns) they fail when called, not when built.
 */
export function createCampaignActivities(deps: { db: Db; campaign?: CampaignActivityConfig }) {
  const config = (): CampaignActivityConfig => requireCampaignConfig(deps.campaign);
  return {
    ...createCampaignStoreActivities(deps.db, config),
    ...createPacingActivities(deps.db, config),
    ...createDialActivities(deps.db, config),
  };
}

export type CampaignActivities = ReturnType<typeof createCampaignActivities>;
export type { DialClaim } from './pacing';
export type { PreDialVerdict, WebhookUrls } from './dial';
export type { CampaignActivityConfig } from './config';
