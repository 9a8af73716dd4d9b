import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config';
import { createPool, type Db } from '../../src/db/pool';
import { validateIvr } from '../../src/ivr/validate';
import { workflowsPath } from '../../src/worker/create-worker';
import type { CallRow } from '../../activities/call/call-log';
import type { CallInput } from '../../workflows/call/definitions';
import { CALL_REVISION } from '../../workflows/call/revisions';
import type { IvrDefinition } from '../../workflows/ivr/types';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const ACCOUNT_SID = 'AC' + 'a'.repeat(32);

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TEMPORAL_TASK_QUEUE: `test-${Math.random().toString(36).slice(2, 10)}`,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export function testDb(max = 4): Db {
  return createPool(inject('databaseUrl'), max);
}

export async function temporalClient(address = inject('temporalAddress')): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection });
}

export function nativeConnection(address = inject('temporalAddress')): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test file; bundling takes seconds. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundle;
}

const noop = (): void => undefined;
export const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  log: noop,
};

export function loadIvr(name: string): IvrDefinition {
  const file = path.resolve(__dirname, '..', 'fixtures', 'ivrs', `${name}.json`);
  return validateIvr(JSON.parse(readFileSync(file, 'utf8')));
}

/** The input of an inbound test call to the demo numbers, as the webhook server would build it. */
export function testCallInput(callSid: string, ivrName = 'test-line'): CallInput {
  return {
    callSid,
    accountSid: ACCOUNT_SID,
    from: '+14155550100',
    to: '+15005550006',
    direction: 'inbound',
    ivr: loadIvr(ivrName),
    lingerSeconds: 1,
    revision: CALL_REVISION,
  };
}

export function randomCallSid(): string {
  return (
    'CA' + Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('')
  );
}

/** The call row a first call-log batch carries for an inbound test call. */
export function testCallRow(
  callSid: string,
  startedAt: string,
  overrides: Partial<CallRow> = {},
): CallRow {
  return {
    callSid,
    accountSid: ACCOUNT_SID,
    direction: 'inbound',
    from: '+14155550100',
    to: '+15005550006',
    status: 'ringing',
    startedAt,
    ...overrides,
  };
}
