import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/pool';
import {
  addOptOut,
  claimContactAttempt,
  isSuppressed,
  optOutHistory,
  removeOptOut,
} from '../../src/suppression/store';
import { testDb } from '../helpers/env';

let db: Db;
beforeAll(() => {
  // More connections than the default 4, so the concurrent claims really race in PostgreSQL.
  db = testDb();
  db.options.max = 12;
});
afterAll(() => db.end());
beforeEach(async () => {
  await db.query('TRUNCATE opt_outs, opt_out_events, contact_attempts');
});

const PHONE = '+12125550123';

describe('opt-outs', () => {
  it('suppresses a number from its opt-out until its opt-in, with an audit of both', async () => {
    expect(await isSuppressed(db, PHONE)).toBe(false);
    await addOptOut(db, PHONE, 'sms:STOP');
    await addOptOut(db, PHONE, 'sms:STOPALL');
    expect(await isSuppressed(db, PHONE)).toBe(true);
    expect(await isSuppressed(db, '+12125550124')).toBe(false);
    await removeOptOut(db, PHONE, 'cli:alice');
    expect(await isSuppressed(db, PHONE)).toBe(false);
    const history = await optOutHistory(db, PHONE);
    expect(history.map((e) => [e.action, e.source])).toEqual([
      ['opt-out', 'sms:STOP'],
      ['opt-out', 'sms:STOPALL'],
      ['opt-in', 'cli:alice'],
    ]);
    expect(history.every((e) => e.at instanceof Date)).toBe(true);
  });

  it('keeps the first opt-out’s source', async () => {
    await addOptOut(db, PHONE, 'twilio:21610');
    await addOptOut(db, PHONE, 'sms:STOP');
    const { rows } = await db.query<{ source: string }>('SELECT source FROM opt_outs');
    expect(rows).toEqual([{ source: 'twilio:21610' }]);
  });

  it('refuses a number that is not E.164 and a malformed source', async () => {
    await expect(addOptOut(db, '2125550123', 'sms:STOP')).rejects.toThrow(/E\.164/);
    await expect(isSuppressed(db, '+1 212')).rejects.toThrow(/E\.164/);
    await expect(addOptOut(db, PHONE, "x'; DROP TABLE opt_outs")).rejects.toThrow(/source/);
  });
});

describe('claimContactAttempt', () => {
  const cap = { max: 3, windowHours: 24 };

  it('grants up to the cap across campaigns, then refuses', async () => {
    expect(await claimContactAttempt(db, PHONE, cap, 'campaign-a:1:1')).toBe(true);
    expect(await claimContactAttempt(db, PHONE, cap, 'campaign-b:7:1')).toBe(true);
    expect(await claimContactAttempt(db, PHONE, cap, 'campaign-a:1:2')).toBe(true);
    expect(await claimContactAttempt(db, PHONE, cap, 'campaign-c:2:1')).toBe(false);
    // Another number has its own budget.
    expect(await claimContactAttempt(db, '+12125550124', cap, 'campaign-c:3:1')).toBe(true);
  });

  it('is idempotent per attempt key, even once the cap is reached', async () => {
    expect(await claimContactAttempt(db, PHONE, { max: 1, windowHours: 24 }, 'k1')).toBe(true);
    expect(await claimContactAttempt(db, PHONE, { max: 1, windowHours: 24 }, 'k1')).toBe(true);
    expect(await claimContactAttempt(db, PHONE, { max: 1, windowHours: 24 }, 'k2')).toBe(false);
    const { rows } = await db.query('SELECT 1 FROM contact_attempts');
    expect(rows).toHaveLength(1);
  });

  it('counts only claims inside the window', async () => {
    await db.query(
      `INSERT INTO contact_attempts (attempt_key, phone, claimed_at)
       VALUES ('old-1', $1, now() - interval '25 hours'), ('old-2', $1, now() - interval '23 hours')`,
      [PHONE],
    );
    expect(await claimContactAttempt(db, PHONE, { max: 2, windowHours: 24 }, 'new')).toBe(true);
    expect(await claimContactAttempt(db, PHONE, { max: 2, windowHours: 24 }, 'newer')).toBe(false);
  });

  it('grants exactly the cap to concurrent claims', async () => {
    const claims = await Promise.all(
      Array.from({ length: 24 }, (_, i) => claimContactAttempt(db, PHONE, cap, `race-${i}`)),
    );
    expect(claims.filter(Boolean)).toHaveLength(3);
    const { rows } = await db.query('SELECT 1 FROM contact_attempts WHERE phone = $1', [PHONE]);
    expect(rows).toHaveLength(3);
  });

  it('grants a key once to concurrent retries of the same claim', async () => {
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimContactAttempt(db, PHONE, cap, 'same')),
    );
    expect(claims.every(Boolean)).toBe(true);
    const { rows } = await db.query('SELECT 1 FROM contact_attempts');
    expect(rows).toHaveLength(1);
  });

  it('refuses a nonsensical cap', async () => {
    await expect(
      claimContactAttempt(db, PHONE, { max: 0, windowHours: 24 }, 'k'),
    ).rejects.toThrow();
    await expect(claimContactAttempt(db, PHONE, { max: 1, windowHours: 0 }, 'k')).rejects.toThrow();
  });
});
