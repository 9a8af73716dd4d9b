import { fail, messageOf, pass, type Check, type CheckResult, type DoctorDeps } from '../types';

/** The fields of an IncomingPhoneNumber that decide where Twilio sends a call's webhooks. */
export interface NumberWebhooks {
  phoneNumber: string;
  voiceUrl: string;
  voiceMethod: string;
  statusCallback: string;
}

/** What is wrong with one number, against the routes the webhook server serves. */
export function numberProblems(n: NumberWebhooks, publicBaseUrl: string): string[] {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const problems: string[] = [];
  if (n.voiceUrl === '') {
    // What the caller hears as an application error and the Debugger shows for such a number.
    problems.push(
      'Voice URL is empty (Twilio: "could not find a valid URL for the Voice request")',
    );
  } else if (n.voiceUrl !== `${base}/voice/inbound`) {
    problems.push(`Voice URL is ${n.voiceUrl}`);
  }
  if (n.voiceMethod.toUpperCase() !== 'POST') problems.push(`Voice method is ${n.voiceMethod}`);
  if (n.statusCallback !== `${base}/voice/status`) {
    problems.push(`status callback is ${n.statusCallback === '' ? 'not set' : n.statusCallback}`);
  }
  return problems;
}

/**
 * Numbers given a route in `number_routes`, and whether the '*' route sends every other number of
 * the account to the default IVR; undefined when PostgreSQL cannot tell.
 */
async function routedNumbers(
  deps: DoctorDeps,
): Promise<{ numbers: Set<string>; catchAll: boolean } | undefined> {
  try {
    const { rows } = await deps
      .db()
      .query<{ phone_number: string }>('SELECT phone_number FROM number_routes');
    const numbers = new Set(rows.map((r) => r.phone_number));
    const catchAll = numbers.delete('*');
    return { numbers, catchAll };
  } catch {
    return undefined;
  }
}

/**
 * Every Switchboard number (routed in `number_routes`; every number on the account when a '*' route
 * exists or the database cannot tell) must send its Voice request and status callbacks to PUBLIC_BASE_URL's routes. A
 * number that does not is Twilio's "could not find a valid URL for the Voice request".
 */
export const checkNumbers: Check = async (deps) => {
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  let onAccount: NumberWebhooks[];
  try {
    onAccount = await deps.twilio().incomingPhoneNumbers.list({ pageSize: 1000 });
  } catch (err) {
    return [
      fail(
        'phone numbers',
        `could not list IncomingPhoneNumbers: ${messageOf(err)}`,
        'fix the Twilio credentials first',
      ),
    ];
  }
  const routed = await routedNumbers(deps);
  const results: CheckResult[] = [];
  for (const number of routed?.numbers ?? []) {
    if (!onAccount.some((n) => n.phoneNumber === number)) {
      results.push(
        fail(
          `number ${number}`,
          'routed in number_routes but not on this Twilio account',
          'buy or port the number into this account, or remove its route',
        ),
      );
    }
  }
  const mine =
    routed && !routed.catchAll
      ? onAccount.filter((n) => routed.numbers.has(n.phoneNumber))
      : onAccount;
  for (const n of mine) {
    const problems = numberProblems(n, base);
    results.push(
      problems.length === 0
        ? pass(`number ${n.phoneNumber}`, `Voice URL and status callback at ${base}`)
        : fail(
            `number ${n.phoneNumber}`,
            problems.join('; '),
            `set Voice URL ${base}/voice/inbound (HTTP POST) and status callback ${base}/voice/status (POST), in the console or with twilio.incomingPhoneNumbers(sid).update({ voiceUrl, voiceMethod: 'POST', statusCallback, statusCallbackMethod: 'POST' })`,
          ),
    );
  }
  if (results.length === 0) {
    results.push(pass('phone numbers', 'no number routed in number_routes, none to check'));
  }
  return results;
};
