import type { PoolClient } from 'pg';
import type { Db } from '../../src/db/pool';

export interface CallRow {
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
  eventKey: string;
  kind: string;
  sequenceNumber?: number;
  callStatus?: string;
  ivrNode?: string;
  detail: Record<string, unknown>;
  occurredAt: string;
}

export interface ConsentInput {
  eventKey: string;
  granted: boolean;
  answered: boolean;
  ivrId: string;
  ivrVersion: number;
  at: string;
}

/** Everything a call workflow has to log since its last write, written in one transaction. */
export interface CallLogBatch {
  callSid: string;
  /** Present on the first batch: the call row the events belong to. */
  call?: CallRow;
  events: CallEventInput[];
  consents: ConsentInput[];
}

const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

async function insertCall(client: PoolClient, call: CallRow): Promise<void> {
  await client.query(
    `INSERT INTO calls (call_sid, account_sid, direction, from_number, to_number, status,
                        ivr_id, ivr_version, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (call_sid) DO NOTHING`,
    [
      call.callSid,
      call.accountSid,
      call.direction,
      call.from,
      call.to,
      call.status,
      call.ivrId ?? null,
      call.ivrVersion ?? null,
      call.startedAt,
    ],
  );
}

/** Every event of a batch in one statement; a retried batch inserts nothing twice. */
async function insertEvents(
  client: PoolClient,
  callSid: string,
  events: CallEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO call_events (call_sid, event_key, kind, sequence_number, call_status, detail, occurred_at)
     SELECT $1, e.event_key, e.kind, e.sequence_number, e.call_status, e.detail, e.occurred_at
       FROM jsonb_to_recordset($2::jsonb) AS e(event_key text, kind text, sequence_number integer,
                                               call_status text, detail jsonb, occurred_at timestamptz)
     ON CONFLICT (event_key) DO NOTHING`,
    [
      callSid,
      JSON.stringify(
        events.map((e) => ({
          event_key: e.eventKey,
          kind: e.kind,
          sequence_number: e.sequenceNumber ?? null,
          call_status: e.callStatus ?? null,
          detail: e.detail,
          occurred_at: e.occurredAt,
        })),
      ),
    ],
  );
  for (const e of events) {
    if (e.callStatus === undefined || e.sequenceNumber === undefined) continue;
    // Only a newer SequenceNumber moves the status, and never off a final one.
    await client.query(
      `UPDATE calls
          SET status = $2, status_sequence = $3, updated_at = now(),
              ended_at = CASE WHEN $2 = ANY($4::text[]) THEN $5::timestamptz ELSE ended_at END,
              duration_seconds = COALESCE($6, duration_seconds)
        WHERE call_sid = $1 AND status_sequence < $3 AND NOT (status = ANY($4::text[]))`,
      [
        callSid,
        e.callStatus,
        e.sequenceNumber,
        FINAL,
        e.occurredAt,
        typeof e.detail.durationSeconds === 'number' ? e.detail.durationSeconds : null,
      ],
    );
  }
  // Where the caller is now: the last node the batch entered.
  const node = [...events].reverse().find((e) => e.ivrNode !== undefined)?.ivrNode;
  if (node !== undefined) {
    await client.query(`UPDATE calls SET ivr_node = $2, updated_at = now() WHERE call_sid = $1`, [
      callSid,
      node,
    ]);
  }
}

async function insertConsent(client: PoolClient, callSid: string, c: ConsentInput): Promise<void> {
  await client.query(
    `INSERT INTO consent_events (call_sid, event_key, granted, answered, ivr_id, ivr_version, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_key) DO NOTHING`,
    [callSid, c.eventKey, c.granted, c.answered, c.ivrId, c.ivrVersion, c.at],
  );
  await client.query(
    `INSERT INTO audit_log (idempotency_key, actor, action, subject_type, subject_id, detail, at)
     VALUES ($1, 'caller', $2, 'call', $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      `consent:${c.eventKey}`,
      c.granted ? 'recording-consent.granted' : 'recording-consent.declined',
      callSid,
      JSON.stringify({ answered: c.answered, ivr: `${c.ivrId}@${c.ivrVersion}` }),
      c.at,
    ],
  );
}

/** Call log writes: idempotent upserts in one transaction, so an activity retry never duplicates. */
export function createCallActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    async writeCallLog(batch: CallLogBatch): Promise<void> {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        if (batch.call) await insertCall(client, batch.call);
        await insertEvents(client, batch.callSid, batch.events);
        // Consent is evidence: kept with CallSid and time, and audited.
        for (const consent of batch.consents) await insertConsent(client, batch.callSid, consent);
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
