import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioActivities } from '../../activities/twilio';
import { createSendGate, type GateVerdict } from '../../src/campaign/send-gate';
import type { Db } from '../../src/db/pool';
import { addOptOut } from '../../src/suppression/store';
import { startSimTwilio, type SimTwilio } from '../activities/twilio/sim';
import { testDb } from '../helpers/env';

const far = (): number => Date.now() + 10_000;
let n = 0;
/** A fresh account per test: each one its own gate scope. */
const account = (): string => `ACgate${process.pid}x${Date.now()}x${(n += 1)}`;

function granted(v: GateVerdict): Extract<GateVerdict, { kind: 'granted' }> {
  if (v.kind !== 'granted') throw new Error(`expected a grant, got ${v.kind}`);
  return v;
}

async function rowsOf(db: Db, accountSid: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM dial_sends WHERE scope = $1',
    [`account:${accountSid}`],
  );
  return Number(rows[0]?.n);
}

describe('the send gate: at most CPS creates can reach Twilio in any second', () => {
  let db: Db;
  let other: Db;
  beforeAll(() => {
    db = testDb();
    other = testDb(); // a second worker's pool
  });
  afterAll(async () => {
    await db.end();
    await other.end();
  });

  it('grants CPS creates at once; the next leaves a second after the earliest answer', async () => {
    const gate = createSendGate(db, { accountSid: account(), cps: 3 });
    const first = await Promise.all(
      [1, 2, 3].map(() => gate.acquire({ phone: '+14155550101', deadline: far() })),
    );
    const answeredAt = Date.now();
    for (const g of first) await granted(g).answered();
    const fourth = granted(await gate.acquire({ phone: '+14155550102', deadline: far() }));
    const leftAt = Date.now();
    expect(leftAt - answeredAt).toBeGreaterThanOrEqual(1000);
    expect(leftAt - answeredAt).toBeLessThan(1500);
    expect(fourth.waitedMs).toBeGreaterThan(900);
  });

  it('a create still in flight holds the gate until its answer is back', async () => {
    const sid = account();
    const gate = createSendGate(db, { accountSid: sid, cps: 1 });
    const inFlight = granted(await gate.acquire({ phone: '+14155550103', deadline: far() }));
    // A request sent a while ago may arrive at Twilio any moment: nobody else may go.
    const refused = await gate.acquire({ phone: '+14155550104', deadline: Date.now() + 1300 });
    expect(refused).toMatchObject({ kind: 'late' });
    expect(await rowsOf(db, sid)).toBe(1);
    const answeredAt = Date.now();
    await inFlight.answered();
    granted(await gate.acquire({ phone: '+14155550104', deadline: far() }));
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(1000);
  });

  it('an answer is stamped when it was back, not when a connection came free for its report', async () => {
    const sid = account();
    const single = testDb(1);
    try {
      const gate = createSendGate(single, { accountSid: sid, cps: 1 });
      const inFlight = granted(await gate.acquire({ phone: '+14155550109', deadline: far() }));
      const busy = await single.connect(); // the gate's only connection, taken by other work
      const report = inFlight.answered();
      await new Promise((r) => setTimeout(r, 400));
      busy.release();
      await report;
      const { rows } = await db.query<{ ms: number }>(
        `SELECT extract(epoch FROM answered_at - granted_at) * 1000 AS ms
           FROM dial_sends WHERE scope = $1`,
        [`account:${sid}`],
      );
      // Stamped on arrival, the 400 ms spent waiting would hold the gate and slow every slot.
      expect(Number(rows[0]?.ms)).toBeLessThan(200);
    } finally {
      await single.end();
    }
  });

  it('an answer never reported (its worker died) stops holding the gate when it expires', async () => {
    const sid = account();
    await db.query(
      `INSERT INTO dial_sends (scope, granted_at, expires_at)
       VALUES ($1, now() - interval '40 seconds', now() - interval '5 seconds')`,
      [`account:${sid}`],
    );
    const gate = createSendGate(db, { accountSid: sid, cps: 1 });
    const started = Date.now();
    granted(await gate.acquire({ phone: '+14155550105', deadline: far() }));
    expect(Date.now() - started).toBeLessThan(500);
    expect(await rowsOf(db, sid)).toBe(1); // the dead one is gone, the new one is in flight
  });

  it('refuses a number that opted out, and counts nothing for it', async () => {
    const sid = account();
    const phone = `+1415${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    await addOptOut(db, phone, 'test:gate');
    const gate = createSendGate(db, { accountSid: sid, cps: 5 });
    expect(await gate.acquire({ phone, deadline: far() })).toEqual({ kind: 'suppressed' });
    expect(await rowsOf(db, sid)).toBe(0);
  });

  it('refuses a CPS that Twilio cannot have', () => {
    expect(() => createSendGate(db, { accountSid: account(), cps: 2.5 })).toThrow(/whole number/);
    expect(() => createSendGate(db, { accountSid: account(), cps: 0 })).toThrow(/whole number/);
  });

  it('holds for two workers sending at once with jittery round trips', async () => {
    const sid = account();
    const cps = 5;
    const gates = [db, other].map((pool) => createSendGate(pool, { accountSid: sid, cps }));
    const sends: { leftAt: number; answeredAt: number }[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const g = granted(
          await (gates[i % 2] as (typeof gates)[number]).acquire({
            phone: '+14155550106',
            deadline: far(),
          }),
        );
        const leftAt = Date.now();
        await new Promise((r) => setTimeout(r, (i * 7) % 40)); // the request's trip to Twilio
        const answeredAt = Date.now();
        await g.answered();
        sends.push({ leftAt, answeredAt });
      }),
    );
    // Twilio saw each create somewhere in [leftAt, answeredAt]. At every departure, fewer than
    // CPS earlier creates may still have been arriving within the second before it.
    for (const s of sends) {
      const crowd = sends.filter(
        (o) => o !== s && o.leftAt <= s.leftAt && o.answeredAt > s.leftAt - 1000,
      );
      expect(crowd.length).toBeLessThan(cps);
    }
    expect(sends).toHaveLength(16);
  });
});

describe('a gated paced create', () => {
  let t: SimTwilio;
  let db: Db;
  beforeAll(async () => {
    t = await startSimTwilio();
    db = testDb();
  });
  afterAll(async () => {
    await t.close();
    await db.end();
  });

  const input = (to: string, slotAgoMs: number) => ({
    to,
    from: '+15005550006',
    twiml: '<Response><Hangup/></Response>',
    notBefore: Date.now() - slotAgoMs,
    notAfter: Date.now() - slotAgoMs + 10,
  });

  // The activity logs through its context, as it runs in a worker.
  type Activities = ReturnType<typeof createTwilioActivities>;
  type Paced = Parameters<Activities['createPacedCall']>[0];
  const inActivity = (a: Activities, arg: Paced) =>
    new MockActivityEnvironment().run((x: Paced) => a.createPacedCall(x), arg);

  it('is sent late rather than dropped when its activity was dispatched after the slot', async () => {
    const ungated = createTwilioActivities({ twilio: t.client });
    expect(await inActivity(ungated, input('+14155550107', 800))).toMatchObject({
      kind: 'missed',
    });
    const gated = createTwilioActivities({
      twilio: t.client,
      sendGate: createSendGate(db, { accountSid: account(), cps: 1 }),
    });
    expect(await inActivity(gated, input('+14155550107', 800))).toMatchObject({
      kind: 'created',
    });
    // Too late even for the gate: nothing is sent.
    const before = t.sim.core.store.calls.size;
    expect(await inActivity(gated, input('+14155550107', 6000))).toMatchObject({
      kind: 'missed',
    });
    expect(t.sim.core.store.calls.size).toBe(before);
  });

  it('sends nothing when the window closed while the gate held it, and frees the grant', async () => {
    const accountSid = account();
    const gated = createTwilioActivities({
      twilio: t.client,
      rehearsal: true,
      sendGate: createSendGate(db, { accountSid, cps: 1 }),
    });
    // The callee's clock reads 20:59:59.6 in New York: open now, closed in 0.4 s.
    const window = {
      timeZone: 'America/New_York',
      window: { start: '08:00', end: '21:00' },
      clockOffsetMs: Date.parse('2027-01-06T01:59:59.600Z') - Date.now(),
    };
    expect(await inActivity(gated, input('+14155550108', 0))).toMatchObject({ kind: 'created' });
    const before = t.sim.core.store.calls.size;
    // The first create holds a 1-cps gate for a second: this one waits past 21:00.
    expect(await inActivity(gated, { ...input('+14155550109', 0), window })).toEqual({
      kind: 'outside-window',
    });
    expect(t.sim.core.store.calls.size).toBe(before);
    const { rows } = await db.query<{ answered: boolean }>(
      'SELECT answered_at IS NOT NULL AS answered FROM dial_sends WHERE scope = $1',
      [`account:${accountSid}`],
    );
    expect(rows.map((r) => r.answered)).toEqual([true, true]);
  });

  it('sends nothing to a number that opted out after the attempt checked it', async () => {
    const phone = `+1628${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    await addOptOut(db, phone, 'test:gate');
    const gated = createTwilioActivities({
      twilio: t.client,
      sendGate: createSendGate(db, { accountSid: account(), cps: 1 }),
    });
    const before = t.sim.core.store.calls.size;
    expect(await inActivity(gated, input(phone, 0))).toEqual({
      kind: 'suppressed',
    });
    expect(t.sim.core.store.calls.size).toBe(before);
  });
});
