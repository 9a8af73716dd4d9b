import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate, recreateDatabase } from '../../src/db/migrate';
import { migrationNames } from '../../src/doctor/checks/postgres';
import { exitCodeOf } from '../../src/doctor/report';
import { runDoctor } from '../../src/doctor/run';
import type { CheckResult } from '../../src/doctor/types';
import { createTwilioClient } from '../../src/twilio/client';
import {
  ROUTED_NUMBER,
  startDoctorStack,
  startHostRewritingProxy,
  type DoctorStack,
} from './stack';

let stack: DoctorStack;

beforeAll(async () => {
  stack = await startDoctorStack();
});

afterAll(async () => {
  await stack?.close();
});

const failed = (results: CheckResult[]): CheckResult[] => results.filter((r) => !r.ok);
const named = (results: CheckResult[], name: string): CheckResult => {
  const found = results.find((r) => r.name === name);
  if (!found)
    throw new Error(`no check named "${name}" in ${results.map((r) => r.name).join(', ')}`);
  return found;
};

describe('npm run doctor against a healthy deployment', () => {
  it('passes every check and exits 0', async () => {
    const results = await runDoctor(stack.env);
    expect(failed(results)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      'configuration',
      'PostgreSQL reachable',
      'schema migrated',
      'Temporal reachable',
      'search attributes registered',
      'Twilio credentials',
      `number ${ROUTED_NUMBER}`,
      'signature through PUBLIC_BASE_URL',
      `worker polling ${stack.env.TEMPORAL_TASK_QUEUE} (workflow tasks)`,
      `worker polling ${stack.env.TEMPORAL_TASK_QUEUE} (activity tasks)`,
      `worker polling ${stack.env.TEMPORAL_TWILIO_TASK_QUEUE} (activity tasks)`,
      'clock vs Twilio',
      'clock vs PostgreSQL',
    ]);
    expect(exitCodeOf(results)).toBe(0);
  });
});

describe('each fault alone fails its check, with the fix, and exit 1', () => {
  it('bad configuration: names the variable and runs nothing else', async () => {
    const results = await runDoctor({ ...stack.env, TWILIO_ACCOUNT_SID: 'ACnope' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: 'configuration', ok: false });
    expect(results[0]?.detail).toContain('TWILIO_ACCOUNT_SID is malformed');
    expect(results[0]?.fix).toContain('.env.example');
    expect(exitCodeOf(results)).toBe(1);
  });

  it('PostgreSQL unreachable', async () => {
    const results = await runDoctor({
      ...stack.env,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere_test',
    });
    const pg = named(results, 'PostgreSQL reachable');
    expect(pg.ok).toBe(false);
    expect(pg.fix).toContain('DATABASE_URL');
    expect(named(results, 'Temporal reachable').ok).toBe(true);
    expect(exitCodeOf(results)).toBe(1);
  });

  it('Temporal unreachable: its check and the poller checks fail', async () => {
    const results = await runDoctor(
      { ...stack.env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
      { timeoutMs: 1000 },
    );
    expect(named(results, 'Temporal reachable')).toMatchObject({
      ok: false,
      fix: expect.stringContaining('TEMPORAL_ADDRESS') as unknown,
    });
    expect(named(results, 'worker polling').ok).toBe(false);
    expect(named(results, 'Twilio credentials').ok).toBe(true);
  });

  it('a migration missing: a scratch database migrated one step short', async () => {
    const url = new URL(inject('databaseUrl'));
    url.pathname = url.pathname.replace(/_test$/, '_doctor_scratch_test');
    await recreateDatabase(url.toString());
    await migrate(url.toString());
    await migrate(url.toString(), 'down');
    const results = await runDoctor({ ...stack.env, DATABASE_URL: url.toString() });
    const schema = named(results, 'schema migrated');
    expect(schema.ok).toBe(false);
    expect(schema.detail).toContain((await migrationNames()).at(-1));
    expect(schema.fix).toContain('npm run migrate');
    expect(failed(results)).toEqual([schema]);
  });

  it('search attributes missing: a namespace registered without them', async () => {
    const namespace = `doctor-bare-${Math.random().toString(36).slice(2, 8)}`;
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
    } finally {
      await connection.close();
    }
    const results = await runDoctor({ ...stack.env, TEMPORAL_NAMESPACE: namespace });
    const attrs = named(results, 'search attributes registered');
    expect(attrs.ok).toBe(false);
    expect(attrs.detail).toContain('CallSid=Keyword');
    expect(attrs.fix).toContain(
      `temporal operator search-attribute create --namespace ${namespace} --name CallSid`,
    );
  });

  it('a wrong auth token: 20003 explained', async () => {
    const results = await runDoctor({
      ...stack.env,
      TWILIO_AUTH_TOKEN: 'rotated-token-0000000000',
    });
    const creds = named(results, 'Twilio credentials');
    expect(creds.ok).toBe(false);
    expect(creds.detail).toContain('20003 Authentication failed');
    expect(creds.fix).toContain('TWILIO_AUTH_TOKEN');
    expect(exitCodeOf(results)).toBe(1);
  });

  it('no worker polling the main task queue', async () => {
    const queue = `doctor-unpolled-${Math.random().toString(36).slice(2, 8)}`;
    const results = await runDoctor({ ...stack.env, TEMPORAL_TASK_QUEUE: queue });
    expect(failed(results).map((r) => r.name)).toEqual([
      `worker polling ${queue} (workflow tasks)`,
      `worker polling ${queue} (activity tasks)`,
    ]);
    expect(failed(results)[0]?.fix).toContain('npm run worker');
  });

  it('clock skew: a local clock 90 s behind', async () => {
    const results = await runDoctor(stack.env, { now: () => new Date(Date.now() - 90_000) });
    expect(failed(results).map((r) => r.name)).toEqual(['clock vs Twilio', 'clock vs PostgreSQL']);
    expect(named(results, 'clock vs Twilio').detail).toMatch(
      /this host is (89|90|91) s behind Twilio/,
    );
    expect(named(results, 'clock vs PostgreSQL').fix).toContain('NTP');
  });
});

describe('numbers whose webhooks point elsewhere', () => {
  const twilio = () =>
    createTwilioClient({
      accountSid: stack.sim.accountSid,
      authToken: stack.sim.authToken,
      apiBaseUrl: stack.sim.baseUrl,
    });

  async function withNumberChanged(update: {
    voiceUrl?: string;
    voiceMethod?: 'GET' | 'POST';
    statusCallback?: string;
  }): Promise<CheckResult[]> {
    const [number] = await twilio().incomingPhoneNumbers.list({ phoneNumber: ROUTED_NUMBER });
    if (!number) throw new Error('the routed number is not on the simulated account');
    const before = {
      voiceUrl: number.voiceUrl,
      voiceMethod: number.voiceMethod,
      statusCallback: number.statusCallback,
    };
    await twilio().incomingPhoneNumbers(number.sid).update(update);
    try {
      return await runDoctor(stack.env);
    } finally {
      await twilio().incomingPhoneNumbers(number.sid).update(before);
    }
  }

  it.each([
    [
      { voiceUrl: 'https://old-host.example.com/voice' },
      'Voice URL is https://old-host.example.com/voice',
    ],
    [{ voiceMethod: 'GET' as const }, 'Voice method is GET'],
    [{ statusCallback: '' }, 'status callback is not set'],
  ])('%o fails its number', async (update, problem) => {
    const results = await withNumberChanged(update);
    const number = named(results, `number ${ROUTED_NUMBER}`);
    expect(failed(results)).toEqual([number]);
    expect(number.detail).toBe(problem);
    expect(number.fix).toContain(`${stack.env.PUBLIC_BASE_URL}/voice/inbound`);
  });

  it('a routed number that is not on the account', async () => {
    const db = new PgClient({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO number_routes (phone_number, ivr_id) VALUES ('+15005550199', 'x')`,
      );
      const results = await runDoctor(stack.env);
      expect(named(results, 'number +15005550199')).toMatchObject({ ok: false });
    } finally {
      await db.query(`DELETE FROM number_routes WHERE phone_number = '+15005550199'`);
      await db.end();
    }
  });

  it("with a '*' route, every number on the account is Switchboard's", async () => {
    const stray = stack.sim.addNumber({ phoneNumber: '+15005550177' });
    const db = new PgClient({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      const unrouted = await runDoctor(stack.env);
      expect(unrouted.map((r) => r.name)).not.toContain('number +15005550177');
      await db.query(`INSERT INTO number_routes (phone_number, ivr_id) VALUES ('*', 'main')`);
      const results = await runDoctor(stack.env);
      expect(failed(results)).toEqual([named(results, 'number +15005550177')]);
      expect(named(results, 'number +15005550177').detail).toContain(
        'could not find a valid URL for the Voice request',
      );
    } finally {
      await db.query(`DELETE FROM number_routes WHERE phone_number = '*'`);
      await db.end();
      stack.sim.core.store.numbers.delete(stray.sid);
    }
  });
});

describe('a proxy in front of the webhook server', () => {
  it('rewriting the Host without TRUSTED_PROXIES: signature refused; with them: accepted', async () => {
    // The server believes it is reached at its own address; Twilio reaches it through the proxy.
    const direct = await stack.startApp({});
    const proxy = await startHostRewritingProxy(direct.url);
    const trusting = await stack.startApp({ TRUSTED_PROXIES: '127.0.0.1' });
    const trustedProxy = await startHostRewritingProxy(trusting.url);
    try {
      const refused = named(
        await runDoctor({ ...stack.env, PUBLIC_BASE_URL: proxy.url }),
        'signature through PUBLIC_BASE_URL',
      );
      expect(refused.ok).toBe(false);
      expect(refused.detail).toContain(
        'signature refused: the proxy changes the URL or TRUSTED_PROXIES is not set',
      );
      expect(refused.fix).toContain('TRUSTED_PROXIES');
      const accepted = named(
        await runDoctor({ ...stack.env, PUBLIC_BASE_URL: trustedProxy.url }),
        'signature through PUBLIC_BASE_URL',
      );
      expect(accepted.ok).toBe(true);
    } finally {
      await proxy.close();
      await trustedProxy.close();
    }
  });

  it('PUBLIC_BASE_URL where nothing listens: unreachable', async () => {
    const results = await runDoctor({ ...stack.env, PUBLIC_BASE_URL: 'http://127.0.0.1:1' });
    const sig = named(results, 'signature through PUBLIC_BASE_URL');
    expect(sig.ok).toBe(false);
    expect(sig.detail).toContain('unreachable');
  });
});
