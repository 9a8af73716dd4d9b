import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CampaignActivities } from '../../activities/campaign';
import type { TwilioActivities } from '../../activities/twilio';
import { twilioRest } from '../shared/twilio-rest';
import { TWILIO_TASK_QUEUE } from '../shared/twilio-constants';

/** Campaign bookkeeping in PostgreSQL: short, idempotent, retried until it lands. */
export const campaignDb = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * The attempt's hot path (checks, pacing claims, intents, leases) as local activities: each is a
 * few milliseconds of SQL, and running it inside the workflow task spares the server two task
 * round trips per call, which is what limits a campaign's rate on a small Temporal.
 */
export const campaignLocal = proxyLocalActivities<CampaignActivities>({
  startToCloseTimeout: '5 seconds',
  localRetryThreshold: '2 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/** Twilio REST with the house's retries (updates, cancels, SMS, the Calls list). */
export function twilioFor(taskQueue = TWILIO_TASK_QUEUE) {
  return proxyActivities<TwilioActivities>({ ...twilioRest, taskQueue });
}

/**
 * The create, tried once per activity: a create has no idempotency key at Twilio, so a timeout or a
 * lost answer is reconciled from the Calls list by the attempt, never retried blindly.
 */
export function twilioCreateFor(taskQueue = TWILIO_TASK_QUEUE, timeoutSeconds = 30) {
  return proxyActivities<TwilioActivities>({
    taskQueue,
    startToCloseTimeout: `${timeoutSeconds} seconds`,
    retry: { maximumAttempts: 1 },
  });
}
