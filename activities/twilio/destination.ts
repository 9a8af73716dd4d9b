import { ApplicationFailure } from '@temporalio/activity';
import { checkDestination } from '../../src/routing/destination';
import { describeTwilioCode } from '../../src/twilio/error-catalog';
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
  // Shaped as Twilio's own 400 answer would be, so logs and the Temporal UI read the same.
  const details: TwilioFailureDetails = {
    code: check.code,
    status: 400,
    moreInfo: `https://www.twilio.com/docs/errors/${check.code}`,
  };
  throw ApplicationFailure.create({
    type: TwilioFailureType.permanent,
    message: `Twilio ${check.code} (HTTP 400): ${check.message} | ${describeTwilioCode(check.code)}`,
    nonRetryable: true,
    details: [details],
  });
}
