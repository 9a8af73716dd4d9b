import type { Client } from '@temporalio/client';
import {
  findRecording,
  requireRecording,
  audit,
  type RecordingRow,
} from '../../activities/recording/rows';
import { transcriptsOf, type StoredTranscript } from '../../activities/recording/transcripts';
import { decryptToFile } from '../../activities/recording/media';
import {
  legalHoldUpdate,
  purgeNowUpdate,
  releaseHoldUpdate,
  retentionChangedSignal,
  type OperatorRequest,
  type RecordingSnapshot,
  type RecordingSource,
} from '../../workflows/recording/definitions';
import { retainUntil } from '../../workflows/recording/retention';
import { recordingWorkflowId } from '../../workflows/shared/ids';
import type { Db } from '../db/pool';
import type { KeyRing } from '../storage/crypto';
import type { ObjectStorage } from '../storage/types';

/**
 * What operators may do with recordings. Every read of media or a transcript goes through here
 * and leaves an audit row (who, what, when) before anything is handed out.
 */

let readCounter = 0;
const readKey = (what: string, sid: string): string =>
  `recording:${sid}:${what}:${Date.now()}:${process.pid}:${readCounter++}`;

export interface RecordingListing {
  recordingSid: string;
  callSid: string | null;
  source: RecordingSource;
  status: string;
  durationSeconds: number | null;
  storedAt: string | null;
  retainUntil: string | null;
  onHold: boolean;
  purgedAt: string | null;
}

export async function listRecordings(
  db: Db,
  opts: { limit: number; callSid?: string },
): Promise<RecordingListing[]> {
  const { rows } = await db.query<{ recording_sid: string }>(
    `SELECT recording_sid FROM recordings WHERE ($2::text IS NULL OR call_sid = $2)
      ORDER BY created_at DESC LIMIT $1`,
    [opts.limit, opts.callSid ?? null],
  );
  const out: RecordingListing[] = [];
  for (const r of rows) {
    const row = (await findRecording(db, r.recording_sid))!;
    out.push({
      recordingSid: row.recordingSid,
      callSid: row.callSid,
      source: row.source,
      status: row.status,
      durationSeconds: row.durationSeconds,
      storedAt: row.storedAt,
      retainUntil: row.retainUntil,
      onHold: row.onHold,
      purgedAt: row.purgedAt,
    });
  }
  return out;
}

/** A recording's transcripts (redacted), audited as a read by `actor`. */
export async function readTranscripts(
  db: Db,
  recordingSid: string,
  actor: string,
): Promise<StoredTranscript[]> {
  const row = await requireRecording(db, recordingSid);
  if (row.purgedAt) throw new Error(`recording ${recordingSid} was purged at ${row.purgedAt}`);
  await audit(db, {
    key: readKey('transcript', recordingSid),
    actor,
    action: 'recording.transcript-read',
    recordingSid,
  });
  return transcriptsOf(db, recordingSid);
}

/** Decrypts a recording's media to `file` (a WAV), audited as a read by `actor`. */
export async function exportMedia(
  deps: { db: Db; storage: ObjectStorage; keys: KeyRing },
  recordingSid: string,
  actor: string,
  file: string,
): Promise<{ bytes: number; sha256: string }> {
  const row = await requireRecording(deps.db, recordingSid);
  if (row.purgedAt) throw new Error(`recording ${recordingSid} was purged at ${row.purgedAt}`);
  if (!row.objectKey)
    throw new Error(`recording ${recordingSid} has no stored media (${row.status})`);
  await audit(deps.db, {
    key: readKey('media', recordingSid),
    actor,
    action: 'recording.media-read',
    recordingSid,
    detail: { file },
  });
  const out = await decryptToFile(deps.storage, deps.keys, row.objectKey, file);
  if (out.sha256 !== row.mediaSha256) {
    throw new Error(`decrypted media of ${recordingSid} does not match its stored hash`);
  }
  return out;
}

const handleOf = (client: Client, sid: string) =>
  client.workflow.getHandle(recordingWorkflowId(sid));

export const holdRecording = (
  client: Client,
  sid: string,
  req: OperatorRequest,
): Promise<RecordingSnapshot> =>
  handleOf(client, sid).executeUpdate(legalHoldUpdate, { args: [req] });

export const releaseRecording = (
  client: Client,
  sid: string,
  req: OperatorRequest,
): Promise<RecordingSnapshot> =>
  handleOf(client, sid).executeUpdate(releaseHoldUpdate, { args: [req] });

export const purgeRecordingNow = (
  client: Client,
  sid: string,
  req: OperatorRequest,
): Promise<RecordingSnapshot> =>
  handleOf(client, sid).executeUpdate(purgeNowUpdate, { args: [req] });

/**
 * Sets a source's retention and applies it to the recordings already stored: their
 * `retain_until` is recomputed here and their workflows are told to read it again.
 */
export async function setRetentionPolicy(
  deps: { db: Db; client: Client },
  source: RecordingSource,
  seconds: number,
  actor: string,
): Promise<{ updated: number; signalled: number }> {
  const { db, client } = deps;
  await db.query(
    `UPDATE recording_retention_policies SET retain_seconds = $2, updated_at = now() WHERE source = $1`,
    [source, seconds],
  );
  const { rows } = await db.query<{ recording_sid: string; stored_at: Date }>(
    `SELECT recording_sid, stored_at FROM recordings
      WHERE source = $1 AND stored_at IS NOT NULL AND purged_at IS NULL`,
    [source],
  );
  let signalled = 0;
  for (const r of rows) {
    await db.query('UPDATE recordings SET retain_until = $2 WHERE recording_sid = $1', [
      r.recording_sid,
      retainUntil(r.stored_at.toISOString(), seconds),
    ]);
    try {
      await handleOf(client, r.recording_sid).signal(retentionChangedSignal);
      signalled++;
    } catch {
      // Its workflow has closed (purged meanwhile): nothing left to retain.
    }
  }
  await db.query(
    `INSERT INTO audit_log (idempotency_key, actor, action, subject_type, subject_id, detail)
     VALUES ($1, $2, 'recording.policy-set', 'retention-policy', $3, $4)`,
    [
      readKey('policy', source),
      actor,
      source,
      JSON.stringify({ retainSeconds: seconds, applied: rows.length }),
    ],
  );
  return { updated: rows.length, signalled };
}

export async function recordingRow(db: Db, sid: string): Promise<RecordingRow> {
  return requireRecording(db, sid);
}
