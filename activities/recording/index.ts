import { ApplicationFailure } from '@temporalio/common';
import type { TwilioTranscription } from '../../workflows/recording/definitions';
import { RecordingFailureType } from '../../workflows/recording/failures';
import { retainUntil } from '../../workflows/recording/retention';
import { limiter } from './limit';
import { hashStored } from './media';
import {
  audit,
  policySeconds,
  requireRecording,
  upsertRecording,
  type RecordingUpsert,
} from './rows';
import {
  storeMedia,
  transcribeStored,
  type RecordingActivityDeps,
  type StoreResult,
  type TranscribeResult,
} from './steps';
import { saveTranscript } from './transcripts';

export { objectKeyFor, type RecordingActivityDeps } from './steps';

/** The recording workflow's activities: media, transcription, rows, retention and purge. */
export function createRecordingActivities(deps: RecordingActivityDeps) {
  const { db, storage, keys } = deps;
  const transfers = limiter(deps.maxConcurrent ?? 4);
  const recognisers = limiter(deps.maxConcurrent ?? 4);

  return {
    async saveRecordingStatus(input: RecordingUpsert): Promise<void> {
      await upsertRecording(db, input);
    },

    /**
     * Streams Twilio's media into storage, encrypted. A retry (a broken download, a worker killed
     * mid-transfer) starts over and overwrites the same object, which storage writes all or nothing.
     */
    storeRecordingMedia(recordingSid: string): Promise<StoreResult> {
      return transfers(() => storeMedia(deps, recordingSid));
    },

    transcribeRecording(recordingSid: string): Promise<TranscribeResult> {
      return recognisers(() => transcribeStored(deps, recordingSid));
    },

    /** Keeps Twilio's own transcription, redacted by the webhook server on arrival. */
    async saveTwilioTranscription(recordingSid: string, t: TwilioTranscription): Promise<void> {
      if (t.status !== 'completed') return;
      await saveTranscript(db, {
        recordingSid,
        provider: 'twilio',
        text: t.text,
        redactions: t.redactions,
        wordCount: t.text.split(/\s+/).filter(Boolean).length,
      });
    },

    /** Reads the stored copy back and checks its hash; only then may Twilio's copy go. */
    async verifyStoredRecording(recordingSid: string): Promise<void> {
      const row = await requireRecording(db, recordingSid);
      if (!row.objectKey || !row.mediaSha256)
        throw new Error(`recording ${recordingSid} is not stored`);
      const read = await hashStored(storage, keys, row.objectKey).catch((err: unknown) => ({
        bytes: -1,
        sha256: `unreadable: ${(err as Error).message}`,
      }));
      if (read.sha256 !== row.mediaSha256 || read.bytes !== row.mediaBytes) {
        throw ApplicationFailure.create({
          type: RecordingFailureType.verifyFailed,
          message: `stored copy of ${recordingSid} does not match (${read.bytes} bytes, ${read.sha256})`,
          nonRetryable: true,
        });
      }
      await db.query(
        `UPDATE recordings SET verified_at = now(), updated_at = now() WHERE recording_sid = $1`,
        [recordingSid],
      );
    },

    async markTwilioCopyDeleted(recordingSid: string): Promise<void> {
      await db.query(
        `UPDATE recordings SET twilio_deleted_at = COALESCE(twilio_deleted_at, now()),
           updated_at = now() WHERE recording_sid = $1`,
        [recordingSid],
      );
      await audit(db, {
        key: `recording:${recordingSid}:twilio-deleted`,
        actor: 'switchboard',
        action: 'recording.twilio-copy-deleted',
        recordingSid,
      });
    },

    /**
     * Sets `retain_until` from the source's policy and returns it with the hold flag. Run again
     * when a policy changes, so a recording already stored follows the new policy.
     */
    async applyRetention(recordingSid: string): Promise<{ retainUntil: string; onHold: boolean }> {
      const row = await requireRecording(db, recordingSid);
      if (!row.storedAt) throw new Error(`recording ${recordingSid} is not stored`);
      const until = retainUntil(row.storedAt, await policySeconds(db, row.source));
      await db.query(
        `UPDATE recordings SET retain_until = $2, updated_at = now() WHERE recording_sid = $1`,
        [recordingSid, until],
      );
      return { retainUntil: until, onHold: row.onHold };
    },

    /** Puts a legal hold on or takes it off, audited; the workflow's update id makes it once. */
    async setLegalHold(input: {
      recordingSid: string;
      onHold: boolean;
      actor: string;
      reason?: string;
      requestId: string;
    }): Promise<void> {
      await db.query(
        `UPDATE recordings SET on_hold = $2, updated_at = now() WHERE recording_sid = $1`,
        [input.recordingSid, input.onHold],
      );
      await audit(db, {
        key: `recording:${input.recordingSid}:${input.requestId}`,
        actor: input.actor,
        action: input.onHold ? 'recording.hold' : 'recording.release',
        recordingSid: input.recordingSid,
        detail: input.reason ? { reason: input.reason } : {},
      });
    },

    /** Deletes the media and every transcript, keeps the row and an audit entry saying so. */
    async purgeRecording(input: {
      recordingSid: string;
      actor: string;
      reason: string;
    }): Promise<void> {
      const row = await requireRecording(db, input.recordingSid);
      if (row.onHold) throw new Error(`recording ${input.recordingSid} is on legal hold`);
      if (row.objectKey) await storage.delete(row.objectKey);
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const { rowCount } = await client.query(
          'DELETE FROM recording_transcripts WHERE recording_sid = $1',
          [input.recordingSid],
        );
        await client.query(
          `UPDATE recordings SET status = 'purged', purged_at = COALESCE(purged_at, now()),
             object_key = NULL, updated_at = now() WHERE recording_sid = $1`,
          [input.recordingSid],
        );
        await audit(client, {
          key: `recording:${input.recordingSid}:purged`,
          actor: input.actor,
          action: 'recording.purged',
          recordingSid: input.recordingSid,
          detail: {
            reason: input.reason,
            media: row.objectKey
              ? { storage: row.storage, objectKey: row.objectKey, bytes: row.mediaBytes }
              : null,
            transcripts: rowCount ?? 0,
            retainUntil: row.retainUntil,
          },
        });
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

export type RecordingActivities = ReturnType<typeof createRecordingActivities>;
