import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCallActivities,
  type CallEventInput,
  type CallLogBatch,
} from '../../../activities/call/call-log';
import type { Db } from '../../../src/db/pool';
import { randomCallSid, testCallRow, testDb } from '../../helpers/env';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());

const at = (s: number): string => new Date(Date.UTC(2026, 10, 23, 12, 0, s)).toISOString();

/** A status callback as statusLogEvent logs it: SequenceNumber -1 when Twilio sent none. */
function status(
  callSid: string,
  callStatus: string,
  s: number,
  sequenceNumber = -1,
  durationSeconds?: number,
): CallEventInput {
  return {
    eventKey: `${callSid}:status:${callStatus}:${s}`,
    kind: 'status',
    sequenceNumber,
    callStatus,
    detail: durationSeconds === undefined ? {} : { durationSeconds },
    occurredAt: at(s),
  };
}

function firstBatch(callSid: string, rowStatus: string, events: CallEventInput[]): CallLogBatch {
  return {
    callSid,
    call: testCallRow(callSid, at(0), { status: rowStatus }),
    events,
    consents: [],
  };
}

async function callRow(callSid: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await db.query(
    `SELECT status, status_sequence, status_at, ended_at, duration_seconds
       FROM calls WHERE call_sid = $1`,
    [callSid],
  );
  return rows[0] as Record<string, unknown> | undefined;
}

describe('writeCallLog orders statuses like the workflow', () => {
  const log = (): ReturnType<typeof createCallActivities> => createCallActivities({ db });

  it('ends a call whose completed came before the inbound webhook with its time and duration', async () => {
    const sid = randomCallSid();
    // The workflow already holds `completed`: its call row says so in the first batch.
    await log().writeCallLog(
      firstBatch(sid, 'completed', [
        status(sid, 'completed', 50, 3, 42),
        status(sid, 'ringing', 1, 1),
      ]),
    );
    expect(await callRow(sid)).toEqual({
      status: 'completed',
      status_sequence: 3,
      status_at: new Date(at(50)),
      ended_at: new Date(at(50)),
      duration_seconds: 42,
    });
  });

  it('keeps a final status the call row claims when no callback of the batch ends the call', async () => {
    const sid = randomCallSid();
    await log().writeCallLog(firstBatch(sid, 'completed', [status(sid, 'in-progress', 2)]));
    expect(await callRow(sid)).toMatchObject({ status: 'completed', ended_at: null });
  });

  it('moves the status by Timestamp and rank for callbacks without SequenceNumber', async () => {
    const sid = randomCallSid();
    await log().writeCallLog(firstBatch(sid, 'ringing', [status(sid, 'in-progress', 5)]));
    expect(await callRow(sid)).toMatchObject({
      status: 'in-progress',
      status_sequence: null,
      status_at: new Date(at(5)),
    });
    // A late ringing, with or without a SequenceNumber, in a later batch and in the same one.
    await log().writeCallLog({
      callSid: sid,
      events: [status(sid, 'ringing', 1), status(sid, 'ringing', 2, 0)],
      consents: [],
    });
    expect(await callRow(sid)).toMatchObject({ status: 'in-progress' });
    await log().writeCallLog({
      callSid: sid,
      events: [status(sid, 'completed', 60, -1, 55), status(sid, 'in-progress', 61, -1)],
      consents: [],
    });
    expect(await callRow(sid)).toEqual({
      status: 'completed',
      status_sequence: null,
      status_at: new Date(at(60)),
      ended_at: new Date(at(60)),
      duration_seconds: 55,
    });
  });

  it('breaks a same-second tie by rank and stores no -1 sequence', async () => {
    const sid = randomCallSid();
    await log().writeCallLog(
      firstBatch(sid, 'ringing', [status(sid, 'in-progress', 3), status(sid, 'ringing', 3)]),
    );
    expect(await callRow(sid)).toMatchObject({ status: 'in-progress' });
    const { rows } = await db.query('SELECT sequence_number FROM call_events WHERE call_sid = $1', [
      sid,
    ]);
    expect(rows).toEqual([{ sequence_number: null }, { sequence_number: null }]);
  });

  it('never overwrites a final status, whatever the SequenceNumber or time', async () => {
    const sid = randomCallSid();
    await log().writeCallLog(firstBatch(sid, 'ringing', [status(sid, 'busy', 10, 2)]));
    await log().writeCallLog({
      callSid: sid,
      events: [status(sid, 'in-progress', 20, 5), status(sid, 'completed', 30, 6, 9)],
      consents: [],
    });
    expect(await callRow(sid)).toEqual({
      status: 'busy',
      status_sequence: 2,
      status_at: new Date(at(10)),
      ended_at: new Date(at(10)),
      duration_seconds: null,
    });
  });
});
