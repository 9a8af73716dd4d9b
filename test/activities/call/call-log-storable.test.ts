import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallActivities, type CallLogBatch } from '../../../activities/call/call-log';
import { CALL_LOG_REJECTED } from '../../../activities/call/call-log-storable';
import type { Db } from '../../../src/db/pool';
import { ACCOUNT_SID, randomCallSid, testDb } from '../../helpers/env';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());

const at = (s: number): string => new Date(Date.UTC(2026, 10, 23, 12, 0, s)).toISOString();

function batchWithNul(callSid: string): CallLogBatch {
  return {
    callSid,
    call: {
      callSid,
      accountSid: ACCOUNT_SID,
      direction: 'in\u0000bound',
      from: '+14155550100\u0000',
      to: '+15005550006',
      status: 'ringing',
      startedAt: at(0),
    },
    events: [
      {
        eventKey: `${callSid}:ivr:0`,
        kind: 'ivr.entered',
        ivrNode: 'main\u0000',
        detail: { digits: '1\u00002', 'k\u0000ey': ['\u0000'], broken: 'a\uD800b' },
        occurredAt: at(1),
      },
    ],
    consents: [],
  };
}

describe('writeCallLog with values PostgreSQL refuses', () => {
  it('strips U+0000 from text and jsonb, so the batch is written instead of retried forever', async () => {
    const log = createCallActivities({ db });
    const sid = randomCallSid();
    await log.writeCallLog(batchWithNul(sid));
    await log.writeCallLog(batchWithNul(sid)); // a retry lands on the same, cleaned, event key
    const call = await db.query(
      'SELECT direction, from_number, ivr_node FROM calls WHERE call_sid = $1',
      [sid],
    );
    expect(call.rows).toEqual([
      { direction: 'inbound', from_number: '+14155550100', ivr_node: 'main' },
    ]);
    const events = await db.query('SELECT detail FROM call_events WHERE call_sid = $1', [sid]);
    expect(events.rows).toEqual([{ detail: { digits: '12', key: [''], broken: 'a\uFFFDb' } }]);
  });

  it('refuses a batch PostgreSQL cannot store with a non-retryable CallLogRejected', async () => {
    const log = createCallActivities({ db });
    const sid = randomCallSid();
    const batch = batchWithNul(sid);
    batch.events[0] = { ...batch.events[0]!, occurredAt: 'not a time' };
    const err: unknown = await log.writeCallLog(batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: CALL_LOG_REJECTED, nonRetryable: true });
    const { rowCount } = await db.query('SELECT 1 FROM calls WHERE call_sid = $1', [sid]);
    expect(rowCount).toBe(0);
  });
});
