import type { Db } from '../src/db/pool';
import { createCallActivities } from './call/call-log';
import { createCampaignActivities, type CampaignActivityConfig } from './campaign';
import { createRecordingActivities, type RecordingActivityDeps } from './recording';
import { createConferenceActivities } from './conference/audit';

export interface ActivityDeps {
  db: Db;
  /** Campaign settings from config; campaign activities fail without them. */
  campaign?: CampaignActivityConfig;
  /** Storage, keys and transcriber for the recording family; without them it is not served. */
  recording?: Omit<RecordingActivityDeps, 'db'>;
}

/** Builds every activity from injected clients; the worker passes real ones, tests pass fakes. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCallActivities(deps),
    ...createCampaignActivities(deps),
    ...(deps.recording ? createRecordingActivities({ db: deps.db, ...deps.recording }) : {}),
    ...createConferenceActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
