import { createReadStream } from 'node:fs';
import { DeepgramClient, DeepgramError, DeepgramTimeoutError } from '@deepgram/sdk';
import {
  TranscriptionError,
  type Transcriber,
  type Transcript,
  type TranscriptWord,
} from './types';

export interface DeepgramOptions {
  apiKey: string;
  /** `https://api.deepgram.com`, or a local fake in tests. */
  baseUrl: string;
  model: string;
}

/** Statuses worth retrying, per Deepgram's error documentation (rate limit, server faults). */
export function retryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/**
 * Deepgram's pre-recorded API (`POST /v1/listen`, `Authorization: Token <key>`), the file sent
 * as the request body. `multichannel=true` for dual-channel recordings, so each party's words
 * come back with their channel index. The SDK's own retries are off: the failover chain owns them.
 */
export function createDeepgram(options: DeepgramOptions): Transcriber {
  const name = 'deepgram';
  const client = new DeepgramClient({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    maxRetries: 0,
  });
  return {
    name,
    async transcribe(input, signal): Promise<Transcript> {
      const multichannel = input.channels > 1;
      let response;
      try {
        response = await client.listen.v1.media.transcribeFile(
          createReadStream(input.path),
          {
            model: options.model,
            multichannel,
            punctuate: true,
            smart_format: true,
            ...(input.language ? { language: input.language } : {}),
          },
          { abortSignal: signal, maxRetries: 0 },
        );
      } catch (err) {
        throw deepgramError(name, err);
      }
      if (!('results' in response)) {
        throw new TranscriptionError(name, 'answered with a callback request id, not a result', {
          retryable: false,
        });
      }
      const words: TranscriptWord[] = [];
      const texts: string[] = [];
      const confidences: number[] = [];
      response.results.channels.forEach((channel, index) => {
        const best = channel.alternatives?.[0];
        if (!best) return;
        if (best.transcript) texts.push(best.transcript);
        if (best.confidence !== undefined) confidences.push(best.confidence);
        for (const w of best.words ?? []) {
          const word: TranscriptWord = {
            // Sent with punctuate=true, though the SDK's type omits it.
            word: (w as { punctuated_word?: string }).punctuated_word ?? w.word ?? '',
            startSec: w.start ?? 0,
            endSec: w.end ?? 0,
          };
          if (w.confidence !== undefined) word.confidence = w.confidence;
          if (multichannel) word.channel = index;
          words.push(word);
        }
      });
      words.sort((a, b) => a.startSec - b.startSec || (a.channel ?? 0) - (b.channel ?? 0));
      const transcript: Transcript = {
        provider: name,
        text: multichannel ? words.map((w) => w.word).join(' ') : texts.join(' '),
        words,
      };
      if (confidences.length > 0) {
        transcript.confidence = confidences.reduce((a, b) => a + b, 0) / confidences.length;
      }
      const detected = response.results.channels[0]?.detected_language ?? input.language;
      if (detected) transcript.language = detected;
      return transcript;
    },
  };
}

function deepgramError(name: string, err: unknown): TranscriptionError {
  if (err instanceof TranscriptionError) return err;
  if (err instanceof DeepgramTimeoutError) {
    return new TranscriptionError(name, 'timed out', { retryable: true, cause: err });
  }
  if (err instanceof DeepgramError) {
    // Documented error body: { err_code, err_msg, request_id }.
    const body = err.body as { err_code?: string; err_msg?: string } | undefined;
    const detail = body?.err_code ? `${body.err_code}: ${body.err_msg ?? ''}` : err.message;
    return new TranscriptionError(name, `HTTP ${err.statusCode ?? '?'} ${detail}`, {
      retryable: retryableStatus(err.statusCode),
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new TranscriptionError(name, message, { retryable: true, cause: err });
}
