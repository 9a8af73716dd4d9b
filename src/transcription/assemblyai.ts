import { createReadStream } from 'node:fs';
import {
  FileService,
  TranscriptService,
  type BaseServiceParams,
  type TranscriptParams,
} from 'assemblyai';
import { abortError } from './run';
import { retryableStatus } from './deepgram';
import {
  TranscriptionError,
  type Transcriber,
  type Transcript,
  type TranscriptWord,
} from './types';

export interface AssemblyAiOptions {
  apiKey: string;
  /** `https://api.assemblyai.com`, or a local fake in tests. */
  baseUrl: string;
  pollIntervalMs: number;
}

// A mixin base must take `any[]` (TypeScript's rule for mixin constructors).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fetching = new (...args: any[]) => {
  fetch(input: string, init?: RequestInit): Promise<Response>;
};

/**
 * The SDK's services send `authorization: <key>` and build the documented requests; this mixin
 * adds what they lack for a worker: an abort signal on every request (the SDK takes none) and
 * the HTTP status on failures (the SDK throws a bare Error), so retryable errors can be told apart.
 */
function abortable<T extends Fetching>(
  Base: T,
  provider: string,
  signal: AbortSignal | undefined,
): T {
  return class extends Base {
    override async fetch(input: string, init?: RequestInit): Promise<Response> {
      const self = this as unknown as {
        fetchResponse(i: string, n?: RequestInit): Promise<Response>;
      };
      let response: Response;
      try {
        response = await self.fetchResponse(input, { ...init, signal: signal ?? null });
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        const message = err instanceof Error ? err.message : String(err);
        throw new TranscriptionError(provider, `request failed: ${message}`, {
          retryable: true,
          cause: err,
        });
      }
      if (response.status < 400) return response;
      const text = await response.text().catch(() => '');
      let detail = text || response.statusText;
      try {
        // Documented error body: { "error": "<message>" }.
        const body = JSON.parse(text) as { error?: unknown };
        if (typeof body.error === 'string') detail = body.error;
      } catch {
        /* not JSON: keep the text */
      }
      throw new TranscriptionError(provider, `HTTP ${response.status} ${detail}`, {
        retryable: retryableStatus(response.status),
      });
    }
  };
}

/**
 * AssemblyAI's async API: `POST /v2/upload` (the file, streamed), `POST /v2/transcript` with the
 * upload URL, then `GET /v2/transcript/{id}` every `pollIntervalMs` until `completed` or `error`.
 * Dual-channel recordings are sent with `multichannel: true`; their words carry channel "1"/"2".
 */
export function createAssemblyAi(options: AssemblyAiOptions): Transcriber {
  const name = 'assemblyai';
  const params: BaseServiceParams = {
    apiKey: options.apiKey,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
  };
  return {
    name,
    async transcribe(input, signal): Promise<Transcript> {
      const Files = abortable(
        FileService as unknown as Fetching,
        name,
        signal,
      ) as unknown as typeof FileService;
      const Transcripts = abortable(
        TranscriptService as unknown as Fetching,
        name,
        signal,
      ) as unknown as typeof TranscriptService;
      const files = new Files(params);
      const transcripts = new Transcripts(params, files);
      const uploadUrl = await files.upload(createReadStream(input.path));
      const request: TranscriptParams = {
        audio_url: uploadUrl,
        punctuate: true,
        format_text: true,
      };
      if (input.channels > 1) request.multichannel = true;
      if (input.language) request.language_code = input.language.toLowerCase().replace('-', '_');
      const queued = await transcripts.submit(request);
      for (;;) {
        const t = await transcripts.get(queued.id);
        if (t.status === 'completed') {
          const words: TranscriptWord[] = (t.words ?? []).map((w) => {
            const word: TranscriptWord = {
              word: w.text,
              startSec: w.start / 1000,
              endSec: w.end / 1000,
              confidence: w.confidence,
            };
            if (input.channels > 1 && w.channel) word.channel = Number(w.channel) - 1;
            return word;
          });
          const transcript: Transcript = { provider: name, text: t.text ?? '', words };
          if (typeof t.confidence === 'number') transcript.confidence = t.confidence;
          if (t.language_code) transcript.language = t.language_code;
          return transcript;
        }
        if (t.status === 'error') {
          // A transcript in `error` failed on the audio itself; sending it again will not help.
          throw new TranscriptionError(name, `transcript ${t.id} failed: ${t.error ?? 'unknown'}`, {
            retryable: false,
          });
        }
        await pause(options.pollIntervalMs, signal);
      }
    },
  };
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal ? abortError(signal) : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
