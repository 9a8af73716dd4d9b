import type { Connection } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import type { TwilioClient } from '../twilio/client';

/** One line of the doctor's report: what was checked, whether it holds, and what to do if not. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/**
 * What the checks share. Resources open on first use, so a check that cannot reach its service
 * reports it and the others still run.
 */
export interface DoctorDeps {
  config: Config;
  db(): Db;
  temporal(): Promise<Connection>;
  twilio(): TwilioClient;
  /** The local clock; tests skew it. */
  now(): Date;
  /** Per-request budget for HTTP checks (Twilio, the public URL). */
  timeoutMs: number;
}

export type Check = (deps: DoctorDeps) => Promise<CheckResult[]>;

export function pass(name: string, detail: string): CheckResult {
  return { name, ok: true, detail };
}

export function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, ok: false, detail, fix };
}

export function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return messageOf(err.errors[0]);
  const message = err instanceof Error ? err.message : String(err);
  return message === '' && err instanceof Error ? err.name : message;
}
