import type { Db } from '../src/db/pool';
import { createCallActivities } from './call/call-log';
import { createCampaignActivities, type CampaignActivityConfig } from './campaign';

export interface ActivityDeps {
  db: Db;
  /** Campaign settings from config; campaign activities fail without them. */
  campaign?: CampaignActivityConfig;
}

/** Builds every activity from injected clients; the worker passes real ones, tests pass fakes. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCallActivities(deps),
    ...createCampaignActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
