import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/pool';
import type { InboxLog } from '../../src/inbox/deliverer';
import { relayInbox } from '../../src/inbox/relay';
import { keepInInbox } from '../../src/inbox/store';
import { callWorkflowId } from '../../workflows/shared/ids';
import { randomCallSid, testConfig, testDb } from '../helpers/env';
import { FakeServiceError, FakeTemporal, UNAVAILABLE } from '../helpers/fake-temporal';
import { callsFor, dueNow, keepStatus, relayWith, rowsOf } from './helpers';

/** What the relay does with rows it cannot get delivered: dead letters, and unknown families. */
let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());

/** A logger that keeps what was written at error level. */
function recordingLog(): InboxLog & { errors: { obj: object; msg: string }[] } {
  const errors: { obj: object; msg: string }[] = [];
  return {
    errors,
    error: (obj, msg) => void errors.push({ obj, msg }),
    warn: () => undefined,
    debug: () => undefined,
  };
}

describe('callback inbox dead letters', () => {
  it('reads the cap from INBOX_MAX_ATTEMPTS, 50 unless set', () => {
    expect(testConfig().INBOX_MAX_ATTEMPTS).toBe(50);
    expect(testConfig({ INBOX_MAX_ATTEMPTS: '3' }).INBOX_MAX_ATTEMPTS).toBe(3);
  });

  it('keeps a row refused INBOX_MAX_ATTEMPTS times as dead, logs it once, and stops trying', async () => {
    const callSid = randomCallSid();
    await keepStatus(db, callSid, 1);
    const down = new FakeTemporal();
    down.onSignal = () => Promise.reject(new FakeServiceError(UNAVAILABLE, 'unavailable'));
    const log = recordingLog();
    const { INBOX_MAX_ATTEMPTS: maxAttempts } = testConfig({ INBOX_MAX_ATTEMPTS: '3' });
    for (let round = 0; round < 5; round++) {
      await relayInbox(relayWith(db, down, { log, maxAttempts }));
      await dueNow(db, callSid);
    }
    expect(callsFor(down, callSid)).toHaveLength(3);
    const row = await db.query(
      `SELECT attempts, last_error, dead_at IS NOT NULL AS dead FROM callback_inbox
        WHERE workflow_id = $1`,
      [callWorkflowId(callSid)],
    );
    expect(row.rows).toEqual([{ attempts: 3, last_error: 'unavailable', dead: true }]);
    const mine = log.errors.filter((e) => JSON.stringify(e.obj).includes(callSid));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.obj).toMatchObject({ family: 'call', kind: 'status', attempts: 3 });

    // Temporal is back: a dead row stays until an operator retries it.
    const up = new FakeTemporal();
    await relayInbox(relayWith(db, up));
    expect(callsFor(up, callSid)).toEqual([]);
    expect(await rowsOf(db, callSid)).toBe(1);
  });

  it("does not hold a call's later rows back behind a dead one", async () => {
    const callSid = randomCallSid();
    await keepStatus(db, callSid, 0);
    await db.query(
      `UPDATE callback_inbox SET dead_at = now(), attempts = 3 WHERE workflow_id = $1`,
      [callWorkflowId(callSid)],
    );
    await keepStatus(db, callSid, 1);
    const temporal = new FakeTemporal();
    await relayInbox(relayWith(db, temporal, { windowMs: 60_000 }));
    const mine = callsFor(temporal, callSid);
    expect(mine.map((c) => (c.args[0] as { kind: string }[]).length)).toEqual([1]);
    expect(await rowsOf(db, callSid)).toBe(1);
  });

  it('leaves a row of a family with no deliverer where it is, and says so', async () => {
    const workflowId = `sms-${randomCallSid()}`;
    await keepInInbox(db, {
      family: 'sms',
      kind: 'status',
      eventKey: `${workflowId}:status:0`,
      workflowId,
      payload: { status: 'delivered' },
      urgent: true,
    });
    const log = recordingLog();
    const temporal = new FakeTemporal();
    await relayInbox(relayWith(db, temporal, { log }));
    expect(temporal.calls.filter((c) => c.workflowId === workflowId)).toEqual([]);
    const row = await db.query<{ attempts: number; dead: boolean; held: boolean }>(
      `SELECT attempts, dead_at IS NOT NULL AS dead, leased_until > now() AS held
         FROM callback_inbox WHERE workflow_id = $1`,
      [workflowId],
    );
    // Not counted as a refusal: a worker that knows the family takes it once the hold expires.
    expect(row.rows).toEqual([{ attempts: 0, dead: false, held: true }]);
    expect(log.errors).toContainEqual({
      obj: expect.objectContaining({ families: ['sms'] }) as object,
      msg: expect.stringContaining('no deliverer') as string,
    });
    await db.query('DELETE FROM callback_inbox WHERE workflow_id = $1', [workflowId]);
  });
});
