import type { Db } from '../src/db/pool';

export interface UpsertCallInput {
  callSid: string;
  accountSid: string;
  direction: string;
  from: string;
  to: string;
  status: string;
  ivrId?: string;
  ivrVersion?: number;
  startedAt: string;
}

export interface CallEventInput {
  callSid: string;
  eventKey: string;
  kind: string;
  sequenceNumber?: number;
  callStatus?: string;
  ivrNode?: string;
  detail: Record<string, unknown>;
  occurredAt: string;
}

export interface ConsentInput {
  callSid: string;
  eventKey: string;
  granted: boolean;
  answered: boolean;
  ivrId: string;
  ivrVersion: number;
  at: string;
}

const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

/** Call log writes; every statement is an idempotent upsert so activity retries never duplicate. */
export function createCallActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    async upsertCall(input: UpsertCallInput): Promise<void> {
      await db.query(
        `INSERT INTO calls (call_sid, account_sid, direction, from_number, to_number, status,
                            ivr_id, ivr_version, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (call_sid) DO NOTHING`,
        [
          input.callSid,
          input.accountSid,
          input.direction,
          input.from,
          input.to,
          input.status,
          input.ivrId ?? null,
          input.ivrVersion ?? null,
          input.startedAt,
        ],
      );
    },

    /** Inserts the event once; a status event also moves the call's status if it is newer. */
    async recordCallEvent(input: CallEventInput): Promise<{ inserted: boolean }> {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const inserted = await client.query(
          `INSERT INTO call_events (call_sid, event_key, kind, sequence_number, call_status, detail, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (event_key) DO NOTHING`,
          [
            input.callSid,
            input.eventKey,
            input.kind,
            input.sequenceNumber ?? null,
            input.callStatus ?? null,
            JSON.stringify(input.detail),
            input.occurredAt,
          ],
        );
        if (input.callStatus !== undefined && input.sequenceNumber !== undefined) {
          await client.query(
            `UPDATE calls
                SET status = $2, status_sequence = $3, updated_at = now(),
                    ended_at = CASE WHEN $2 = ANY($4::text[]) THEN $5::timestamptz ELSE ended_at END,
                    duration_seconds = COALESCE($6, duration_seconds)
              WHERE call_sid = $1 AND status_sequence < $3 AND NOT (status = ANY($4::text[]))`,
            [
              input.callSid,
              input.callStatus,
              input.sequenceNumber,
              FINAL,
              input.occurredAt,
              typeof input.detail.durationSeconds === 'number'
                ? input.detail.durationSeconds
                : null,
            ],
          );
        }
        if (input.ivrNode !== undefined) {
          await client.query(
            `UPDATE calls SET ivr_node = $2, updated_at = now() WHERE call_sid = $1`,
            [input.callSid, input.ivrNode],
          );
        }
        await client.query('COMMIT');
        return { inserted: (inserted.rowCount ?? 0) > 0 };
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },

    /** Consent is evidence: stored once per answer with CallSid and time, and audited. */
    async recordConsent(input: ConsentInput): Promise<void> {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO consent_events (call_sid, event_key, granted, answered, ivr_id, ivr_version, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_key) DO NOTHING`,
          [
            input.callSid,
            input.eventKey,
            input.granted,
            input.answered,
            input.ivrId,
            input.ivrVersion,
            input.at,
          ],
        );
        await client.query(
          `INSERT INTO audit_log (idempotency_key, actor, action, subject_type, subject_id, detail, at)
           VALUES ($1, 'caller', $2, 'call', $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
          [
            `consent:${input.eventKey}`,
            input.granted ? 'recording-consent.granted' : 'recording-consent.declined',
            input.callSid,
            JSON.stringify({ answered: input.answered, ivr: `${input.ivrId}@${input.ivrVersion}` }),
            input.at,
          ],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
