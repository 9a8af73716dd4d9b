import { objectKeyFor } from '../../activities/recording/steps';
import { hashStored, reencrypt } from '../../activities/recording/media';
import { audit } from '../../activities/recording/rows';
import type { Db } from '../db/pool';
import type { KeyRing } from '../storage/crypto';
import type { ObjectStorage } from '../storage/types';

export interface RotationResult {
  rotated: string[];
  failed: { recordingSid: string; error: string }[];
}

/**
 * Re-encrypts every stored object not under the current key: decrypt with its old key, encrypt
 * under the current one into a new object, read that back and check the plaintext hash, switch
 * the row to it, then delete the old object. An object purged meanwhile is left alone (its new
 * copy is deleted), and the old key may be dropped from the config once nothing uses it.
 */
export async function rotateKeys(
  deps: { db: Db; storage: ObjectStorage; keys: KeyRing },
  actor: string,
): Promise<RotationResult> {
  const { db, storage, keys } = deps;
  const { rows } = await db.query<{
    recording_sid: string;
    object_key: string;
    key_id: string;
    media_sha256: string;
  }>(
    `SELECT recording_sid, object_key, key_id, media_sha256 FROM recordings
      WHERE object_key IS NOT NULL AND purged_at IS NULL AND key_id <> $1 ORDER BY stored_at`,
    [keys.currentId],
  );
  const result: RotationResult = { rotated: [], failed: [] };
  for (const r of rows) {
    const newKey = objectKeyFor(r.recording_sid, keys.currentId);
    try {
      const stored = await reencrypt(storage, keys, r.object_key, newKey);
      const check = await hashStored(storage, keys, newKey);
      if (stored.mediaSha256 !== r.media_sha256 || check.sha256 !== r.media_sha256) {
        await storage.delete(newKey);
        throw new Error('re-encrypted copy does not match the stored hash');
      }
      const { rowCount } = await db.query(
        `UPDATE recordings SET object_key = $3, key_id = $4, object_bytes = $5, updated_at = now()
          WHERE recording_sid = $1 AND object_key = $2 AND purged_at IS NULL`,
        [r.recording_sid, r.object_key, newKey, keys.currentId, stored.objectBytes],
      );
      if (!rowCount) {
        await storage.delete(newKey);
        continue;
      }
      await storage.delete(r.object_key);
      await audit(db, {
        key: `recording:${r.recording_sid}:rotated:${r.key_id}:${keys.currentId}`,
        actor,
        action: 'recording.key-rotated',
        recordingSid: r.recording_sid,
        detail: { from: r.key_id, to: keys.currentId },
      });
      result.rotated.push(r.recording_sid);
    } catch (err) {
      result.failed.push({ recordingSid: r.recording_sid, error: (err as Error).message });
    }
  }
  return result;
}
