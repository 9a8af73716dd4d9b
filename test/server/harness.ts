import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import twilio from 'twilio';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db/pool';
import { IvrRegistry } from '../../src/ivr/registry';
import { buildApp } from '../../src/server/app';
import { ACCOUNT_SID, AUTH_TOKEN, loadIvr, testConfig } from '../helpers/env';
import { FakeTemporal, fakeDb, type FakeDb } from '../helpers/fake-temporal';

export const FORM = 'application/x-www-form-urlencoded';
export const CALL_SID = 'CA' + '0123456789abcdef'.repeat(2);
export const CALLER = '+14155550100';
export const CALLED = '+15005550006';

export interface Harness {
  app: FastifyInstance;
  config: Config;
  temporal: FakeTemporal;
  db: FakeDb;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
}

export async function harness(
  env: Record<string, string> = {},
  ivrs: IvrRegistry = IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') }),
): Promise<Harness> {
  const config = testConfig(env);
  const temporal = new FakeTemporal();
  const db = fakeDb();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const app = await buildApp({
    config,
    db: db as unknown as Db,
    temporal: temporal.asClient(),
    ivrs,
    logger,
  });
  return { app, config, temporal, db, logs };
}

export function inboundParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    CallSid: CALL_SID,
    AccountSid: ACCOUNT_SID,
    From: CALLER,
    To: CALLED,
    CallStatus: 'ringing',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

export function sign(
  url: string,
  params: Record<string, string | string[]>,
  token = AUTH_TOKEN,
): string {
  return twilio.getExpectedTwilioSignature(token, url, params);
}

export function encodeForm(params: Record<string, string | string[]>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  }
  return form.toString();
}

/** A POST as Twilio sends it: form body, signed over PUBLIC_BASE_URL plus the path. */
export function signedPost(
  h: Pick<Harness, 'config'>,
  path: string,
  params: Record<string, string | string[]>,
  extra: Partial<InjectOptions> = {},
): InjectOptions {
  const url = `${h.config.PUBLIC_BASE_URL}${path}`;
  return {
    method: 'POST',
    url: path,
    payload: encodeForm(params),
    ...extra,
    headers: {
      'content-type': FORM,
      'x-twilio-signature': sign(url, params),
      ...extra.headers,
    },
  };
}
