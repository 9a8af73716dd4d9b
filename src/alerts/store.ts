import type { Db } from '../db/pool';

/** One Debugger alert as the webhook keeps it; `explanation` is the catalog's line for its code. */
export interface AlertWrite {
  alertSid: string;
  accountSid: string;
  level: 'ERROR' | 'WARNING';
  errorCode: string | null;
  callSid: string | null;
  explanation: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/** An alert as an operator reads it: no payload, which may quote a caller's request. */
export interface AlertListing {
  alertSid: string;
  level: string;
  errorCode: string | null;
  callSid: string | null;
  explanation: string;
  occurredAt: Date;
  receivedAt: Date;
}

/** Keeps an alert; false when its Sid was kept already (Twilio delivered it again). */
export async function keepAlert(db: Db, alert: AlertWrite): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO debugger_alerts
       (alert_sid, account_sid, level, error_code, call_sid, explanation, payload, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (alert_sid) DO NOTHING`,
    [
      alert.alertSid,
      alert.accountSid,
      alert.level,
      alert.errorCode,
      alert.callSid,
      alert.explanation,
      JSON.stringify(alert.payload),
      alert.occurredAt,
    ],
  );
  return rowCount === 1;
}

export interface AlertFilter {
  /** Only alerts that occurred at or after this instant. */
  since?: Date;
  callSid?: string;
  limit?: number;
}

/** Alerts newest first, by when Twilio says they occurred. */
export async function listAlerts(db: Db, filter: AlertFilter = {}): Promise<AlertListing[]> {
  const { rows } = await db.query<AlertListing>(
    `SELECT alert_sid AS "alertSid", level, error_code AS "errorCode", call_sid AS "callSid",
            explanation, occurred_at AS "occurredAt", received_at AS "receivedAt"
       FROM debugger_alerts
      WHERE ($1::timestamptz IS NULL OR occurred_at >= $1)
        AND ($2::text IS NULL OR call_sid = $2)
      ORDER BY occurred_at DESC, id DESC
      LIMIT $3`,
    [filter.since ?? null, filter.callSid ?? null, filter.limit ?? 50],
  );
  return rows;
}
