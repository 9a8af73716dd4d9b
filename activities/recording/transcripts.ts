import type { Db } from '../../src/db/pool';

/** A transcript as stored: redacted text, and what kinds were redacted and how many. */
export interface StoredTranscript {
  recordingSid: string;
  provider: string;
  text: string;
  redactions: Record<string, number>;
  wordCount: number;
  confidence?: number;
  language?: string;
}

export async function saveTranscript(db: Db, t: StoredTranscript): Promise<void> {
  await db.query(
    `INSERT INTO recording_transcripts
       (recording_sid, provider, text, redactions, word_count, confidence, language)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (recording_sid, provider) DO UPDATE SET text = EXCLUDED.text,
       redactions = EXCLUDED.redactions, word_count = EXCLUDED.word_count,
       confidence = EXCLUDED.confidence, language = EXCLUDED.language, created_at = now()`,
    [
      t.recordingSid,
      t.provider,
      t.text,
      JSON.stringify(t.redactions),
      t.wordCount,
      t.confidence ?? null,
      t.language ?? null,
    ],
  );
}

export async function transcriptsOf(db: Db, recordingSid: string): Promise<StoredTranscript[]> {
  const { rows } = await db.query<{
    provider: string;
    text: string;
    redactions: Record<string, number>;
    word_count: number;
    confidence: number | null;
    language: string | null;
  }>(
    `SELECT provider, text, redactions, word_count, confidence, language
       FROM recording_transcripts WHERE recording_sid = $1 ORDER BY created_at`,
    [recordingSid],
  );
  return rows.map((r) => ({
    recordingSid,
    provider: r.provider,
    text: r.text,
    redactions: r.redactions,
    wordCount: r.word_count,
    ...(r.confidence !== null ? { confidence: r.confidence } : {}),
    ...(r.language !== null ? { language: r.language } : {}),
  }));
}
