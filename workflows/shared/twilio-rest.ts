import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { TwilioActivities } from '../../activities/twilio';
import { TWILIO_TASK_QUEUE, TwilioFailureType } from './twilio-constants';

/**
 * Twilio REST activities run on their own task queue, whose worker caps the rate for every worker
 * at once. Permanent Twilio errors stop retries; a 20429 with Retry-After sets its own next delay.
 */
export const twilioRest = {
  taskQueue: TWILIO_TASK_QUEUE,
  // Above the Twilio client's own HTTP timeout, so a slow request fails as TwilioTransient first.
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: [TwilioFailureType.permanent],
  },
} satisfies ActivityOptions;

/**
 * Twilio REST activities for workflow code. Workflows cannot read config: a deployment that renames
 * the queue passes the name in through the workflow's input.
 */
export function twilioActivities(taskQueue: string = TWILIO_TASK_QUEUE) {
  return proxyActivities<TwilioActivities>({ ...twilioRest, taskQueue });
}
