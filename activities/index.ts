import type { Db } from '../src/db/pool';
import { createCallActivities } from './call/call-log';
import { createConferenceActivities } from './conference/audit';

export interface ActivityDeps {
  db: Db;
}

/** Builds every activity from injected clients; the worker passes real ones, tests pass fakes. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCallActivities(deps),
    ...createConferenceActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
