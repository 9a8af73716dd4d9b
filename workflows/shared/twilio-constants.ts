/**
 * Names the worker, the activities and workflow code all agree on. This module imports nothing, so
 * config, activities and the workflow sandbox can each load it.
 */

/** Default task queue of Twilio REST activities; config's TEMPORAL_TWILIO_TASK_QUEUE defaults to it. */
export const TWILIO_TASK_QUEUE = 'switchboard-twilio';

/** `ApplicationFailure.type` of a failed Twilio REST request. */
export const TwilioFailureType = {
  /** Twilio refused the request for good (bad number, opted out, not found, bad credentials). */
  permanent: 'TwilioPermanent',
  /** 20429: too many concurrent requests; Twilio did not process it, so a retry is safe. */
  rateLimited: 'TwilioRateLimited',
  /** 5xx, a timeout or a dropped connection: the request may or may not have run. */
  transient: 'TwilioTransient',
} as const;

export type TwilioFailureType = (typeof TwilioFailureType)[keyof typeof TwilioFailureType];
