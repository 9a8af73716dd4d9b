import { fail, messageOf, pass, type CheckResult, type DoctorDeps } from '../types';

/**
 * Beyond this, webhook replay tokens, signed URLs and access tokens (whose expiry the other side
 * judges by its own clock) start to fail in ways that look like bad credentials.
 */
export const MAX_SKEW_MS = 30_000;

/** Compares a remote clock reading, taken between `before` and `after` locally, with ours. */
export function skewResult(source: string, remote: Date, before: Date, after: Date): CheckResult {
  const name = `clock vs ${source}`;
  const local = (before.getTime() + after.getTime()) / 2;
  const skewMs = local - remote.getTime();
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const way = skewMs > 0 ? 'ahead of' : 'behind';
  if (Math.abs(skewMs) <= MAX_SKEW_MS) return pass(name, `within ${Math.max(seconds, 1)} s`);
  return fail(
    name,
    `this host is ${seconds} s ${way} ${source}`,
    'enable NTP on this host (timedatectl set-ntp true, or chrony) and check the container has no fixed clock offset',
  );
}

async function twilioClock(deps: DoctorDeps): Promise<CheckResult> {
  const client = deps.twilio();
  const before = deps.now();
  // The answer's Date header counts even when the credentials are refused.
  await client.api.v2010
    .accounts(deps.config.TWILIO_ACCOUNT_SID)
    .fetch()
    .catch(() => undefined);
  const after = deps.now();
  const headers = client.httpClient.lastResponse?.headers as Record<string, unknown> | undefined;
  const date = headers?.date;
  if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) {
    return fail('clock vs Twilio', 'no Date header from Twilio', 'fix the Twilio connection first');
  }
  return skewResult('Twilio', new Date(date), before, after);
}

async function postgresClock(deps: DoctorDeps): Promise<CheckResult> {
  const before = deps.now();
  const { rows } = await deps.db().query<{ now: Date }>('SELECT clock_timestamp() AS now');
  const after = deps.now();
  const remote = rows[0]?.now;
  if (!remote) throw new Error('PostgreSQL returned no time');
  return skewResult('PostgreSQL', remote, before, after);
}

/** Local time against Twilio's Date header and PostgreSQL's clock. */
export async function checkClock(deps: DoctorDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [source, read] of [
    ['Twilio', twilioClock],
    ['PostgreSQL', postgresClock],
  ] as const) {
    try {
      results.push(await read(deps));
    } catch (err) {
      results.push(
        fail(`clock vs ${source}`, messageOf(err), `fix the ${source} connection first`),
      );
    }
  }
  return results;
}
