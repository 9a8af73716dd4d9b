/** What a transcriber is given: a local WAV file (any rate and channel count). */
export interface TranscribeInput {
  path: string;
  channels: number;
  /** BCP-47 language, e.g. `en-US`; providers that cannot honour it fail non-retryably. */
  language?: string;
}

/** One recognised word; times are seconds from the start of the file. */
export interface TranscriptWord {
  word: string;
  startSec: number;
  endSec: number;
  confidence?: number;
  /** 0-based channel the word was heard on (dual-channel recordings). */
  channel?: number;
}

/** A provider's answer. `text` is unredacted: redact it before it is stored or logged. */
export interface Transcript {
  provider: string;
  text: string;
  words: TranscriptWord[];
  confidence?: number;
  language?: string;
}

/** A speech-to-text provider. Implementations must stop work when `signal` aborts. */
export interface Transcriber {
  readonly name: string;
  transcribe(input: TranscribeInput, signal?: AbortSignal): Promise<Transcript>;
}

/**
 * A provider failed. `retryable` says whether the same request may succeed later (timeouts,
 * 429, 5xx, network); a failover chain moves on to the next provider either way.
 */
export class TranscriptionError extends Error {
  readonly provider: string;
  readonly retryable: boolean;

  constructor(provider: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(`${provider}: ${message}`, { cause: options.cause });
    this.name = 'TranscriptionError';
    this.provider = provider;
    this.retryable = options.retryable;
  }
}
