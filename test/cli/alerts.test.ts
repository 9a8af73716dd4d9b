import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli';
import { listAlerts, keepAlert } from '../../src/alerts/store';
import { alertsCommands, sinceOf } from '../../src/cli/alerts-commands';
import { callShowOutput } from '../../src/cli/call-commands';
import type { Db } from '../../src/db/pool';
import { describeTwilioCode } from '../../src/twilio/error-catalog';
import { ACCOUNT_SID, randomCallSid, testDb } from '../helpers/env';

/** `npm run cli -- alerts …` against the test database. */
let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]): Promise<string> => runCli(alertsCommands, 'alerts', args);

/** Keeps an alert about `callSid` that occurred `minutesAgo` minutes ago. */
async function alertAbout(callSid: string, code: string, minutesAgo: number): Promise<string> {
  const alertSid = 'NO' + randomCallSid().slice(2);
  await keepAlert(db, {
    alertSid,
    accountSid: ACCOUNT_SID,
    level: 'ERROR',
    errorCode: code,
    callSid,
    explanation: `${describeTwilioCode(code)} (dialled +14155550100)`,
    payload: { resource_sid: callSid, error_code: code },
    occurredAt: new Date(Date.now() - minutesAgo * 60_000),
  });
  return alertSid;
}

describe('alerts CLI', () => {
  it('reads 30m, 1h and 2d back from now, and refuses anything else', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(sinceOf('30m', now).toISOString()).toBe('2026-12-01T11:30:00.000Z');
    expect(sinceOf('1h', now).toISOString()).toBe('2026-12-01T11:00:00.000Z');
    expect(sinceOf('2d', now).toISOString()).toBe('2026-11-29T12:00:00.000Z');
    for (const bad of ['1w', '-1h', 'h', '1.5h', '']) expect(() => sinceOf(bad, now)).toThrow();
  });

  it('lists a call’s alerts newest first, only those inside --since, numbers masked', async () => {
    const callSid = randomCallSid();
    await alertAbout(callSid, '11200', 10);
    await alertAbout(callSid, '21211', 90);
    await alertAbout(callSid, '20003', 3 * 24 * 60);

    const recent = (await cli('--since', '1h', '--call', callSid)).split('\n');
    expect(recent[0]).toMatch(/^time\s+level\s+code\s+call\s+explanation$/);
    expect(recent.slice(1)).toHaveLength(1);
    expect(recent[1]).toContain(`ERROR  11200  ${callSid}  11200 HTTP retrieval failure`);
    expect(recent[1]).toContain('+1415****100');
    expect(recent[1]).not.toContain('+14155550100');

    const day = (await cli('list', '--since', '2d', '--call', callSid)).split('\n');
    expect(day.slice(1).map((line) => line.split(/\s+/)[2])).toEqual(['11200', '21211']);

    const limited = (await cli('--since', '7d', '--call', callSid, '--limit', '1')).split('\n');
    expect(limited.slice(1)).toHaveLength(1);
  });

  it('says so when nothing arrived, and refuses a bad --since or CallSid', async () => {
    expect(await cli('--since', '30m', '--call', randomCallSid())).toBe('no alerts since 30m ago');
    await expect(cli('--since', 'soon')).rejects.toThrow(/--since/);
    await expect(cli('--call', 'CA123')).rejects.toThrow(/not a CallSid/);
  });
});

describe('call show', () => {
  it('adds the call’s alerts to the workflow’s fields', async () => {
    const callSid = randomCallSid();
    const alertSid = await alertAbout(callSid, '30003', 5);
    const alerts = await listAlerts(db, { callSid });
    const state = { runStatus: 'RUNNING', callStatus: 'in-progress', node: 'menu' };
    const out = callShowOutput(`call-${callSid}`, state, alerts);
    expect(out).toMatchObject({ workflowId: `call-${callSid}`, ...state });
    expect(out.alerts).toEqual([
      expect.objectContaining({ alertSid, level: 'ERROR', code: '30003' }),
    ]);
    expect(JSON.stringify(out)).not.toContain('+14155550100');
  });

  it('shows the alerts of a call Twilio never delivered to Switchboard', async () => {
    const callSid = randomCallSid();
    await alertAbout(callSid, '11200', 1);
    const out = callShowOutput(`call-${callSid}`, undefined, await listAlerts(db, { callSid }));
    expect(out).toMatchObject({
      runStatus: null,
      alerts: [expect.objectContaining({ code: '11200' })],
    });
    expect(() => callShowOutput('call-x', undefined, [])).toThrow(/no workflow/);
  });
});
