import { Connection } from '@temporalio/client';
import type { Config } from '../config';
import { createPool, type Db } from '../db/pool';
import { createTwilioClient, type TwilioClient } from '../twilio/client';
import { checkClock } from './checks/clock';
import { checkConfig } from './checks/config';
import { checkNumbers } from './checks/numbers';
import { checkPostgres } from './checks/postgres';
import { checkSignature } from './checks/signature';
import { checkTemporal } from './checks/temporal';
import { checkTwilio } from './checks/twilio';
import { checkWorkers } from './checks/workers';
import { fail, messageOf, type Check, type CheckResult, type DoctorDeps } from './types';

/** In the order an operator fixes them: each later check leans on the ones before. */
export const CHECKS: readonly [string, Check][] = [
  ['PostgreSQL', checkPostgres],
  ['Temporal', checkTemporal],
  ['Twilio', checkTwilio],
  ['phone numbers', checkNumbers],
  ['signature', checkSignature],
  ['workers', checkWorkers],
  ['clock', checkClock],
];

export interface DoctorOptions {
  now?: () => Date;
  timeoutMs?: number;
}

/** Opens each resource on first use and closes whatever was opened. */
function openDeps(config: Config, opts: DoctorOptions): DoctorDeps & { close(): Promise<void> } {
  const timeoutMs = opts.timeoutMs ?? 5000;
  let db: Db | undefined;
  let temporal: Promise<Connection> | undefined;
  let twilio: TwilioClient | undefined;
  return {
    config,
    timeoutMs,
    now: opts.now ?? (() => new Date()),
    db: () => (db ??= createPool(config.DATABASE_URL, 2)),
    temporal: () =>
      (temporal ??= Connection.connect({
        address: config.TEMPORAL_ADDRESS,
        connectTimeout: timeoutMs,
      })),
    twilio: () =>
      (twilio ??= createTwilioClient({
        accountSid: config.TWILIO_ACCOUNT_SID,
        authToken: config.TWILIO_AUTH_TOKEN,
        apiBaseUrl: config.TWILIO_API_BASE_URL,
        edge: config.TWILIO_EDGE,
        region: config.TWILIO_REGION,
        timeoutMs,
      })),
    async close() {
      await db?.end();
      const connection = await temporal?.catch(() => undefined);
      await connection?.close();
    },
  };
}

/** Runs every check against the deployment `env` describes; a check that throws counts as ✗. */
export async function runDoctor(
  env: Record<string, string | undefined>,
  opts: DoctorOptions = {},
): Promise<CheckResult[]> {
  const { results, config } = checkConfig(env);
  if (!config) return results;
  const deps = openDeps(config, opts);
  try {
    for (const [label, check] of CHECKS) {
      try {
        results.push(...(await check(deps)));
      } catch (err) {
        results.push(fail(label, messageOf(err), 'unexpected failure of the check itself'));
      }
    }
  } finally {
    await deps.close();
  }
  return results;
}
