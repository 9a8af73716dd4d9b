import type { Db } from '../../src/db/pool';
import type { RecordingSource } from '../../workflows/recording/definitions';

/** A recording's row as the workflow and the CLI see it. */
export interface RecordingRow {
  recordingSid: string;
  callSid: string | null;
  source: RecordingSource;
  status: string;
  channels: number | null;
  durationSeconds: number | null;
  consentEventId: string | null;
  storage: string | null;
  objectKey: string | null;
  keyId: string | null;
  mediaBytes: number | null;
  mediaSha256: string | null;
  storedAt: string | null;
  verifiedAt: string | null;
  twilioDeletedAt: string | null;
  retainUntil: string | null;
  onHold: boolean;
  purgedAt: string | null;
}

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);

function rowOf(r: Record<string, unknown>): RecordingRow {
  return {
    recordingSid: r.recording_sid as string,
    callSid: (r.call_sid as string | null) ?? null,
    source: r.source as RecordingSource,
    status: r.status as string,
    channels: (r.channels as number | null) ?? null,
    durationSeconds: (r.duration_seconds as number | null) ?? null,
    consentEventId:
      r.consent_event_id === null ? null : (r.consent_event_id as number | string).toString(),
    storage: (r.storage as string | null) ?? null,
    objectKey: (r.object_key as string | null) ?? null,
    keyId: (r.key_id as string | null) ?? null,
    mediaBytes: r.media_bytes === null ? null : Number(r.media_bytes),
    mediaSha256: (r.media_sha256 as string | null) ?? null,
    storedAt: iso(r.stored_at),
    verifiedAt: iso(r.verified_at),
    twilioDeletedAt: iso(r.twilio_deleted_at),
    retainUntil: iso(r.retain_until),
    onHold: r.on_hold as boolean,
    purgedAt: iso(r.purged_at),
  };
}

export async function findRecording(
  db: Db,
  recordingSid: string,
): Promise<RecordingRow | undefined> {
  const { rows } = await db.query('SELECT * FROM recordings WHERE recording_sid = $1', [
    recordingSid,
  ]);
  return rows[0] ? rowOf(rows[0] as Record<string, unknown>) : undefined;
}

export async function requireRecording(db: Db, recordingSid: string): Promise<RecordingRow> {
  const row = await findRecording(db, recordingSid);
  if (!row) throw new Error(`no recording ${recordingSid}`);
  return row;
}

export interface RecordingUpsert {
  recordingSid: string;
  accountSid: string;
  callSid?: string;
  source: RecordingSource;
  twilioSource?: string;
  status: string;
  errorCode?: number;
  channels?: number;
  durationSeconds?: number;
  startTime?: string;
}

/**
 * Writes what Twilio says about a recording, linked to the call's latest consent answer. A row
 * already stored or purged keeps its status: a late callback never moves it back.
 */
export async function upsertRecording(db: Db, r: RecordingUpsert): Promise<void> {
  await db.query(
    `INSERT INTO recordings (recording_sid, account_sid, call_sid, source, twilio_source, status,
       error_code, channels, duration_seconds, started_at, consent_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
       (SELECT id FROM consent_events WHERE call_sid = $3 ORDER BY at DESC, id DESC LIMIT 1))
     ON CONFLICT (recording_sid) DO UPDATE SET
       call_sid = COALESCE(recordings.call_sid, EXCLUDED.call_sid),
       twilio_source = COALESCE(EXCLUDED.twilio_source, recordings.twilio_source),
       status = CASE WHEN recordings.stored_at IS NULL AND recordings.purged_at IS NULL
                     THEN EXCLUDED.status ELSE recordings.status END,
       error_code = COALESCE(EXCLUDED.error_code, recordings.error_code),
       channels = COALESCE(EXCLUDED.channels, recordings.channels),
       duration_seconds = COALESCE(EXCLUDED.duration_seconds, recordings.duration_seconds),
       started_at = COALESCE(EXCLUDED.started_at, recordings.started_at),
       consent_event_id = COALESCE(recordings.consent_event_id, EXCLUDED.consent_event_id),
       updated_at = now()`,
    [
      r.recordingSid,
      r.accountSid,
      r.callSid ?? null,
      r.source,
      r.twilioSource ?? null,
      r.status,
      r.errorCode ?? null,
      r.channels ?? null,
      r.durationSeconds ?? null,
      r.startTime ?? null,
    ],
  );
}

export interface StoredObject {
  storage: string;
  objectKey: string;
  keyId: string;
  mediaBytes: number;
  mediaSha256: string;
  objectBytes: number;
}

export async function markStored(db: Db, recordingSid: string, o: StoredObject): Promise<string> {
  const { rows } = await db.query<{ stored_at: Date }>(
    `UPDATE recordings SET status = 'stored', storage = $2, object_key = $3, key_id = $4,
       media_bytes = $5, media_sha256 = $6, object_bytes = $7,
       stored_at = COALESCE(stored_at, now()), verified_at = NULL, updated_at = now()
     WHERE recording_sid = $1 RETURNING stored_at`,
    [recordingSid, o.storage, o.objectKey, o.keyId, o.mediaBytes, o.mediaSha256, o.objectBytes],
  );
  if (!rows[0]) throw new Error(`no recording row ${recordingSid}`);
  return rows[0].stored_at.toISOString();
}

export interface AuditEntry {
  /** Unique per action: a retried activity finds the first row. */
  key: string;
  actor: string;
  action: string;
  recordingSid: string;
  detail?: Record<string, unknown>;
}

export async function audit(db: Pick<Db, 'query'>, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (idempotency_key, actor, action, subject_type, subject_id, detail)
     VALUES ($1, $2, $3, 'recording', $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
    [e.key, e.actor, e.action, e.recordingSid, JSON.stringify(e.detail ?? {})],
  );
}

/** The retention policy for a source, in seconds. */
export async function policySeconds(db: Db, source: RecordingSource): Promise<number> {
  const { rows } = await db.query<{ retain_seconds: string }>(
    'SELECT retain_seconds FROM recording_retention_policies WHERE source = $1',
    [source],
  );
  if (!rows[0]) throw new Error(`no retention policy for ${source}`);
  return Number(rows[0].retain_seconds);
}
