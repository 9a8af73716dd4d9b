import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCallActivities,
  type CallEventInput,
  type CallLogBatch,
} from '../../activities/call/call-log';
import type { Db } from '../../src/db/pool';
import { withCallMetrics } from '../../src/metrics/calls';
import { metricsRegistry } from '../../src/metrics/registry';
import { randomCallSid, testCallRow, testDb } from '../helpers/env';
import { sampleValue } from './scrape';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());

const at = (s: number): string => new Date(Date.UTC(2026, 10, 23, 12, 0, s)).toISOString();

function status(callSid: string, seq: number, callStatus: string): CallEventInput {
  return {
    eventKey: `${callSid}:status:${seq}`,
    kind: 'status',
    sequenceNumber: seq,
    callStatus,
    detail: {},
    occurredAt: at(seq),
  };
}

function ivr(callSid: string, seq: number, kind: string, detail: object): CallEventInput {
  return { eventKey: `${callSid}:ivr:${seq}`, kind, detail: { ...detail }, occurredAt: at(seq) };
}

function batchFor(callSid: string, events: CallEventInput[]): CallLogBatch {
  return {
    callSid,
    call: testCallRow(callSid, at(0)),
    events,
    consents: [],
  };
}

interface Counts {
  completed: number;
  busy: number;
  answered: number;
  selected: number;
  noInput: number;
  invalid: number;
}

async function counts(): Promise<Counts> {
  const text = await metricsRegistry.metrics();
  const v = (name: string, labels: Record<string, string> = {}): number =>
    sampleValue(text, name, labels) ?? 0;
  return {
    completed: v('switchboard_calls_total', { final_status: 'completed' }),
    busy: v('switchboard_calls_total', { final_status: 'busy' }),
    answered: v('switchboard_calls_answered_total'),
    selected: v('switchboard_gathers_total', { outcome: 'selected' }),
    noInput: v('switchboard_gathers_total', { outcome: 'no-input' }),
    invalid: v('switchboard_gathers_total', { outcome: 'invalid' }),
  };
}

describe('call metrics from writeCallLog', () => {
  const activities = (): ReturnType<typeof createCallActivities> =>
    withCallMetrics(createCallActivities({ db }));

  it('counts final statuses, answers and gather outcomes once a batch commits', async () => {
    const before = await counts();
    const answered = randomCallSid();
    await activities().writeCallLog(
      batchFor(answered, [
        ivr(answered, 1, 'ivr.entered', { node: 'main' }),
        ivr(answered, 2, 'ivr.failed', { node: 'main', reason: 'no-input', attempt: 1 }),
        ivr(answered, 3, 'ivr.failed', { node: 'main', reason: 'invalid', attempt: 2 }),
        ivr(answered, 4, 'ivr.selected', { node: 'main', option: 'sales', via: 'dtmf' }),
        status(answered, 5, 'in-progress'),
        status(answered, 6, 'completed'),
      ]),
    );
    const busy = randomCallSid();
    await activities().writeCallLog(batchFor(busy, [status(busy, 1, 'busy')]));
    // A batch without a final status counts no call.
    const ringing = randomCallSid();
    await activities().writeCallLog(batchFor(ringing, [status(ringing, 1, 'ringing')]));

    expect(await counts()).toEqual({
      completed: before.completed + 1,
      busy: before.busy + 1,
      answered: before.answered + 1,
      selected: before.selected + 1,
      noInput: before.noInput + 1,
      invalid: before.invalid + 1,
    });
    const { rows } = await db.query('SELECT status FROM calls WHERE call_sid = $1', [answered]);
    expect(rows).toEqual([{ status: 'completed' }]);
  });

  it('counts nothing for a batch the database refused', async () => {
    const before = await counts();
    const orphan = randomCallSid();
    // Events of a call with no call row: the foreign key refuses the whole transaction.
    await expect(
      activities().writeCallLog({
        callSid: orphan,
        events: [status(orphan, 1, 'completed')],
        consents: [],
      }),
    ).rejects.toThrow();
    expect(await counts()).toEqual(before);
  });
});
