import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../src/db/pool';
import type { KeyRing } from '../../src/storage/crypto';
import type { ObjectStorage } from '../../src/storage/types';
import type { Transcriber } from '../../src/transcription/types';
import type { Redaction, RedactionRules } from '../../src/redaction/redact';
import { RecordingFailureType } from '../../workflows/recording/failures';
import { openMedia, type TwilioMediaAccess } from './fetch-media';
import { decryptToFile, encryptToStorage } from './media';
import { markStored, requireRecording } from './rows';
import { saveTranscript } from './transcripts';

export interface RecordingActivityDeps {
  db: Db;
  storage: ObjectStorage;
  keys: KeyRing;
  transcriber: Transcriber;
  redact: (text: string, rules?: RedactionRules) => Redaction;
  redactionRules?: RedactionRules;
  twilio: TwilioMediaAccess;
  /** Media transfers, and transcriptions, that may run at once in this worker. */
  maxConcurrent?: number;
}

/** Where a recording's object lives: one name per key id, so a rotation writes beside the old. */
export const objectKeyFor = (recordingSid: string, keyId: string): string =>
  `${recordingSid.slice(2, 4)}/${recordingSid}.${keyId}.sbrec`;

export interface StoreResult {
  objectKey: string;
  mediaBytes: number;
  storedAt: string;
}

export interface TranscribeResult {
  provider: string;
  words: number;
  redactions: Record<string, number>;
}

/**
 * Streams Twilio's media into storage, encrypted. A retry (a broken download, a worker killed
 * mid-transfer) starts over and overwrites the same object, which storage writes all or nothing.
 */
export async function storeMedia(
  deps: RecordingActivityDeps,
  recordingSid: string,
): Promise<StoreResult> {
  const { db, storage, keys } = deps;
  const ctx = Context.current();
  const objectKey = objectKeyFor(recordingSid, keys.currentId);
  const { body, length } = await openMedia(deps.twilio, recordingSid, ctx.cancellationSignal);
  const stored = await encryptToStorage(body, storage, keys, objectKey, {
    ...(length !== undefined ? { expectedBytes: length } : {}),
    progress: (bytes) => ctx.heartbeat(bytes),
  }).catch((err: unknown) => {
    throw ApplicationFailure.create({
      type: RecordingFailureType.mediaUnavailable,
      message: `storing ${recordingSid}: ${(err as Error).message}`,
    });
  });
  const storedAt = await markStored(db, recordingSid, {
    storage: storage.kind,
    objectKey,
    keyId: keys.currentId,
    ...stored,
  });
  return { objectKey, mediaBytes: stored.mediaBytes, storedAt };
}

/**
 * Transcribes the stored copy, redacts, and keeps the redacted text only. All three happen in
 * this one activity so the recogniser's original text never leaves this process: not in
 * Temporal history, not in PostgreSQL, not in a log line.
 */
export async function transcribeStored(
  deps: RecordingActivityDeps,
  recordingSid: string,
): Promise<TranscribeResult> {
  const { db, storage, keys } = deps;
  const row = await requireRecording(db, recordingSid);
  if (!row.objectKey) throw new Error(`recording ${recordingSid} is not stored`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-rec-'));
  try {
    const file = path.join(dir, 'recording.wav');
    await decryptToFile(storage, keys, row.objectKey, file);
    const ctx = Context.current();
    const beat = setInterval(() => ctx.heartbeat(), 5000);
    const transcript = await deps.transcriber
      .transcribe({ path: file, channels: row.channels ?? 1 }, ctx.cancellationSignal)
      .catch((err: unknown) => {
        throw ApplicationFailure.create({
          type: RecordingFailureType.transcriptionFailed,
          message: `transcribing ${recordingSid}: ${(err as Error).message}`,
          nonRetryable: (err as { retryable?: boolean }).retryable === false,
        });
      })
      .finally(() => clearInterval(beat));
    const redacted = deps.redact(transcript.text, deps.redactionRules);
    await saveTranscript(db, {
      recordingSid,
      provider: transcript.provider,
      text: redacted.text,
      redactions: redacted.counts,
      wordCount: transcript.words.length,
      ...(transcript.confidence !== undefined ? { confidence: transcript.confidence } : {}),
      ...(transcript.language ? { language: transcript.language } : {}),
    });
    return {
      provider: transcript.provider,
      words: transcript.words.length,
      redactions: redacted.counts,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
