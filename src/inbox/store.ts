import type { Db } from '../db/pool';

/** A callback to keep until its family's deliverer has handed it to the target workflow. */
export interface InboxWrite<P> {
  family: string;
  kind: string;
  /** Unique per callback: a retried webhook carries the same key and finds the first row. */
  eventKey: string;
  workflowId: string;
  payload: P;
  /** What starts the workflow if it does not exist yet, already in the family's stored form. */
  startInput?: unknown;
  /** Deliver without waiting for the batch window (a final call status). */
  urgent?: boolean;
}

/**
 * Writes a row to the callback inbox and returns the payload kept under its event key: the new
 * one, or for a retried request the one written first, so a retry is answered exactly as the first.
 */
export async function keepInInbox<P>(db: Db, row: InboxWrite<P>): Promise<P> {
  const { rows } = await db.query<{ payload: P }>(
    `INSERT INTO callback_inbox (family, kind, event_key, workflow_id, payload, start_input, urgent)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (event_key) DO UPDATE SET event_key = EXCLUDED.event_key
     RETURNING payload`,
    [
      row.family,
      row.kind,
      row.eventKey,
      row.workflowId,
      JSON.stringify(row.payload),
      row.startInput === undefined ? null : JSON.stringify(row.startInput),
      row.urgent ?? false,
    ],
  );
  return rows[0]?.payload ?? row.payload;
}
