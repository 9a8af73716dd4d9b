import { METRIC_PREFIX } from './registry';

/**
 * Metrics the families still to come will export under these names (conferences, the
 * recording pipeline). Nothing increments them yet, so nothing registers them and
 * the dashboard has no panel for them; the family that lands first registers its names from here.
 */
export const PLANNED_METRICS = {
  conferenceJoinFailures: `${METRIC_PREFIX}conference_join_failures_total`,
  recordingStageDuration: `${METRIC_PREFIX}recording_stage_duration_seconds`,
} as const;
