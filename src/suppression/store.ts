import type { Db } from '../db/pool';

const E164 = /^\+[1-9]\d{6,14}$/;
const SOURCE = /^[\w.:@+-]{1,64}$/;

function checked(phone: string, source?: string): void {
  if (!E164.test(phone)) throw new Error(`"${phone}" is not an E.164 number`);
  if (source !== undefined && !SOURCE.test(source)) {
    throw new Error(`opt-out source "${source}" must be 1-64 letters, digits or .:@+-_`);
  }
}

/** True when the number has opted out; checked immediately before every call and every SMS. */
export async function isSuppressed(db: Db, phone: string): Promise<boolean> {
  checked(phone);
  const found = await db.query('SELECT 1 FROM opt_outs WHERE phone = $1', [phone]);
  return (found.rowCount ?? 0) > 0;
}

/**
 * Records an opt-out and its audit row in one transaction. `source` says who and how
 * (`sms:STOP`, `twilio:21610`, `cli:alice`). Repeating it keeps the first opt-out's time and
 * source, and adds an audit row: a STOP is never lost, even when sent twice.
 */
export async function addOptOut(db: Db, phone: string, source: string): Promise<void> {
  checked(phone, source);
  await db.query(
    `WITH added AS (
       INSERT INTO opt_outs (phone, source) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING
     )
     INSERT INTO opt_out_events (phone, action, source) VALUES ($1, 'opt-out', $2)`,
    [phone, source],
  );
}

/** Lifts an opt-out (START, UNSTOP, an operator), with its audit row, in one statement. */
export async function removeOptOut(db: Db, phone: string, source: string): Promise<void> {
  checked(phone, source);
  await db.query(
    `WITH removed AS (DELETE FROM opt_outs WHERE phone = $1)
     INSERT INTO opt_out_events (phone, action, source) VALUES ($1, 'opt-in', $2)`,
    [phone, source],
  );
}

export interface OptOutEvent {
  action: 'opt-out' | 'opt-in';
  source: string;
  at: Date;
}

/** A number's consent history, oldest first. */
export async function optOutHistory(db: Db, phone: string): Promise<OptOutEvent[]> {
  checked(phone);
  const rows = await db.query<OptOutEvent>(
    'SELECT action, source, at FROM opt_out_events WHERE phone = $1 ORDER BY id',
    [phone],
  );
  return rows.rows;
}

/**
 * Claims one dial of `phone` against the cap shared by every campaign: true when fewer than
 * `limit.max` dials were claimed in the last `limit.windowHours`, or when this `attemptKey` was
 * claimed before (a retried activity must not be refused its own claim, nor count twice).
 * Concurrent claims for one number are serialised by a transaction-scoped advisory lock, so two
 * workers cannot both take the last dial.
 */
export async function claimContactAttempt(
  db: Db,
  phone: string,
  limit: { max: number; windowHours: number },
  attemptKey: string,
): Promise<boolean> {
  checked(phone);
  if (!Number.isInteger(limit.max) || limit.max < 1) throw new Error('attempt cap must be ≥ 1');
  if (!(limit.windowHours > 0)) throw new Error('attempt cap window must be positive');
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('contact:' || $1, 0))", [
      phone,
    ]);
    const { rows } = await client.query<{ own: boolean; recent: string }>(
      `SELECT EXISTS (SELECT 1 FROM contact_attempts WHERE attempt_key = $2) AS own,
              (SELECT count(*) FROM contact_attempts
                WHERE phone = $1 AND claimed_at > now() - make_interval(secs => $3)) AS recent`,
      [phone, attemptKey, limit.windowHours * 3600],
    );
    const row = rows[0];
    let granted = row?.own === true;
    if (!granted && Number(row?.recent ?? 0) < limit.max) {
      await client.query('INSERT INTO contact_attempts (attempt_key, phone) VALUES ($1, $2)', [
        attemptKey,
        phone,
      ]);
      granted = true;
    }
    await client.query('COMMIT');
    return granted;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
