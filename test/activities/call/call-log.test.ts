import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallActivities, type CallLogBatch } from '../../../activities/call/call-log';
import type { Db } from '../../../src/db/pool';
import { randomCallSid, testCallRow, testDb } from '../../helpers/env';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());

const at = (s: number): string => new Date(Date.UTC(2026, 10, 23, 12, 0, s)).toISOString();

function batchFor(callSid: string): CallLogBatch {
  return {
    callSid,
    call: testCallRow(callSid, at(0), { ivrId: 'test-line', ivrVersion: 1 }),
    events: [
      {
        eventKey: `${callSid}:ivr:0`,
        kind: 'ivr.entered',
        ivrNode: 'greeting',
        detail: {},
        occurredAt: at(1),
      },
      {
        eventKey: `${callSid}:ivr:1`,
        kind: 'ivr.entered',
        ivrNode: 'main',
        detail: {},
        occurredAt: at(1),
      },
      // Reordered by Twilio: the final status first, then an older progress event.
      {
        eventKey: `${callSid}:status:2`,
        kind: 'status',
        sequenceNumber: 2,
        callStatus: 'completed',
        detail: { durationSeconds: 42 },
        occurredAt: at(50),
      },
      {
        eventKey: `${callSid}:status:1`,
        kind: 'status',
        sequenceNumber: 1,
        callStatus: 'in-progress',
        detail: {},
        occurredAt: at(2),
      },
    ],
    consents: [],
  };
}

describe('writeCallLog', () => {
  it('writes each event once, keeps the final status, and records the last node', async () => {
    const log = createCallActivities({ db });
    const callSid = randomCallSid();
    await log.writeCallLog(batchFor(callSid));
    await log.writeCallLog(batchFor(callSid)); // an activity retry
    const events = await db.query<{ event_key: string }>(
      'SELECT event_key FROM call_events WHERE call_sid = $1 ORDER BY event_key',
      [callSid],
    );
    expect(events.rows).toHaveLength(4);
    const call = await db.query(
      `SELECT status, status_sequence, ivr_node, duration_seconds, ended_at FROM calls WHERE call_sid = $1`,
      [callSid],
    );
    expect(call.rows[0]).toEqual({
      status: 'completed',
      status_sequence: 2,
      ivr_node: 'main',
      duration_seconds: 42,
      ended_at: new Date(at(50)),
    });
  });

  it('writes nothing when one statement of the batch fails', async () => {
    const log = createCallActivities({ db });
    const callSid = randomCallSid();
    const batch = batchFor(callSid);
    batch.events[1] = { ...batch.events[1]!, occurredAt: 'not a time' };
    await expect(log.writeCallLog(batch)).rejects.toThrow();
    const { rowCount } = await db.query('SELECT 1 FROM calls WHERE call_sid = $1', [callSid]);
    expect(rowCount).toBe(0);
  });
});
