import type { PoolClient } from 'pg';
import type { Db } from '../../src/db/pool';
import { rejectionOf, storable } from './call-log-storable';
import { applyStatusEvents, insertedStatus, storedSequence } from './call-status-row';

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
  /** Twilio's SequenceNumber; -1 or undefined when the callback carried none. */
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

/** Inserts the call row unless it exists; true when this batch created it. */
async function insertCall(client: PoolClient, call: CallRow): Promise<boolean> {
  const { rowCount } = await client.query(
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
      insertedStatus(call),
      call.ivrId ?? null,
      call.ivrVersion ?? null,
      call.startedAt,
    ],
  );
  return rowCount === 1;
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
          sequence_number: storedSequence(e.sequenceNumber) ?? null,
          call_status: e.callStatus ?? null,
          detail: e.detail,
          occurred_at: e.occurredAt,
        })),
      ),
    ],
  );
}

/** Where the caller is now: the last node the batch entered. */
async function updateIvrNode(
  client: PoolClient,
  callSid: string,
  events: CallEventInput[],
): Promise<void> {
  const node = [...events].reverse().find((e) => e.ivrNode !== undefined)?.ivrNode;
  if (node === undefined) return;
  await client.query(`UPDATE calls SET ivr_node = $2, updated_at = now() WHERE call_sid = $1`, [
    callSid,
    node,
  ]);
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
    async writeCallLog(input: CallLogBatch): Promise<void> {
      const batch = storable(input);
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const inserted = batch.call ? await insertCall(client, batch.call) : false;
        await insertEvents(client, batch.callSid, batch.events);
        await applyStatusEvents(
          client,
          batch.callSid,
          batch.events,
          inserted ? batch.call : undefined,
        );
        await updateIvrNode(client, batch.callSid, batch.events);
        // Consent is evidence: kept with CallSid and time, and audited.
        for (const consent of batch.consents) await insertConsent(client, batch.callSid, consent);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw rejectionOf(err);
      } finally {
        client.release();
      }
    },
  };
}
