import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Db } from '../../src/db/pool';
import type { RecordingRow } from '../../activities/recording/rows';
import { findRecording } from '../../activities/recording/rows';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls the recording's row until `done` holds; the pipeline runs behind the call. */
export async function waitForRow(
  db: Db,
  recordingSid: string,
  done: (row: RecordingRow) => boolean,
  timeoutMs = 60_000,
): Promise<RecordingRow> {
  const deadline = Date.now() + timeoutMs;
  let last: RecordingRow | undefined;
  for (;;) {
    last = await findRecording(db, recordingSid);
    if (last && done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`recording ${recordingSid} never got there: ${JSON.stringify(last)}`);
    }
    await pause(200);
  }
}

export async function auditActions(db: Db, recordingSid: string): Promise<string[]> {
  const { rows } = await db.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE subject_type = 'recording' AND subject_id = $1 ORDER BY id`,
    [recordingSid],
  );
  return rows.map((r) => r.action);
}

export const sha256 = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');
export const sha256File = async (file: string): Promise<string> => sha256(await readFile(file));
export { pause };
