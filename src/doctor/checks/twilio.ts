import { describeTwilioCode, explainTwilioCode } from '../../twilio/error-catalog';
import { fail, messageOf, pass, type Check } from '../types';

/** A Twilio REST error as twilio (and src/twilio/client.ts) raise it. */
export function twilioErrorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Fetching the account is the cheapest authenticated call: a 20003 here is what every REST activity
 * would meet, typically after the auth token was rotated in the console but not in the deployment.
 */
export const checkTwilio: Check = async (deps) => {
  const sid = deps.config.TWILIO_ACCOUNT_SID;
  const name = 'Twilio credentials';
  try {
    const account = await deps.twilio().api.v2010.accounts(sid).fetch();
    if (account.status !== 'active') {
      return [
        fail(
          name,
          `account ${sid} is ${account.status}`,
          'reactivate the account in the Twilio console',
        ),
      ];
    }
    return [pass(name, `account ${sid} (${account.friendlyName}) is active`)];
  } catch (err) {
    const code = twilioErrorCode(err);
    if (code === undefined) {
      return [
        fail(
          name,
          `Twilio's API did not answer: ${messageOf(err)}`,
          'check outbound HTTPS to api.twilio.com (or TWILIO_API_BASE_URL, TWILIO_EDGE, TWILIO_REGION)',
        ),
      ];
    }
    // The catalog's cause names what went wrong; its fix is what the operator does next.
    const entry = explainTwilioCode(code);
    return [
      entry
        ? fail(name, `account ${sid}: ${entry.code} ${entry.title}: ${entry.cause}`, entry.fix)
        : fail(
            name,
            `account ${sid}: ${describeTwilioCode(code)}`,
            'look the code up in the Twilio error dictionary',
          ),
    ];
  }
};
