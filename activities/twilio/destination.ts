import { ApplicationFailure } from '@temporalio/activity';
import { checkDestination } from '../../src/routing/destination';
import { TwilioFailureType } from '../../workflows/shared/twilio-constants';
import type { TwilioFailureDetails } from './errors';

/**
 * Refuses a destination Twilio would refuse (21211) before any request is made, with the reason
 * in plain words, as a permanent Twilio failure: a retry cannot make a bad number good, and no
 * REST request (nor rate-limit slot) is spent on it.
 */
export function assertDialable(to: string): void {
  const check = checkDestination(to);
  if (check.ok) return;
  const details: TwilioFailureDetails = {
    code: check.code,
    status: null,
    moreInfo: `https://www.twilio.com/docs/errors/${check.code}`,
  };
  throw ApplicationFailure.create({
    type: TwilioFailureType.permanent,
    message: check.message,
    nonRetryable: true,
    details: [details],
  });
}
