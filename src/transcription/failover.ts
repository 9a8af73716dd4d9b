import { abortError } from './run';
import {
  TranscriptionError,
  type TranscribeInput,
  type Transcriber,
  type Transcript,
} from './types';

export interface FailoverOptions {
  /** Extra attempts on the same provider after a retryable error. */
  retries: number;
  /** Wait before the first retry; doubles for each further one. */
  retryDelayMs: number;
  /** Limit on each attempt; a provider that hangs is aborted and counts as retryable. */
  timeoutMs: number;
  /** Reports each failed attempt (the provider, and whether it will be retried). */
  onAttemptFailed?: (error: TranscriptionError, willRetry: boolean) => void;
}

/**
 * Tries each provider in order: retryable errors are retried on the same provider with
 * backoff, then the chain moves on to the next one; a non-retryable error moves on at once.
 * Fails with the last provider's error (retryable if any provider's was), so an activity retry
 * policy can decide whether to try the whole chain again later.
 */
export function failoverChain(
  providers: readonly Transcriber[],
  options: FailoverOptions,
): Transcriber {
  if (providers.length === 0) throw new Error('a failover chain needs at least one provider');
  return {
    name: providers.map((p) => p.name).join('>'),
    async transcribe(input: TranscribeInput, signal?: AbortSignal): Promise<Transcript> {
      let anyRetryable = false;
      let last: TranscriptionError | undefined;
      for (const provider of providers) {
        for (let attempt = 0; attempt <= options.retries; attempt++) {
          if (signal?.aborted) throw abortError(signal);
          try {
            return await attemptOnce(provider, input, options.timeoutMs, signal);
          } catch (err) {
            if (signal?.aborted) throw abortError(signal);
            last = asTranscriptionError(provider.name, err);
            anyRetryable ||= last.retryable;
            const willRetry = last.retryable && attempt < options.retries;
            options.onAttemptFailed?.(last, willRetry);
            if (!willRetry) break;
            await sleep(options.retryDelayMs * 2 ** attempt, signal);
          }
        }
      }
      throw new TranscriptionError(
        'failover',
        `every provider failed (${providers.map((p) => p.name).join(', ')}); last: ${last?.message}`,
        { retryable: anyRetryable, cause: last },
      );
    },
  };
}

async function attemptOnce(
  provider: Transcriber,
  input: TranscribeInput,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<Transcript> {
  const timeout = new AbortController();
  const timer = setTimeout(
    () =>
      timeout.abort(
        new TranscriptionError(provider.name, `timed out after ${timeoutMs} ms`, {
          retryable: true,
        }),
      ),
    timeoutMs,
  );
  const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
  try {
    // Race the abort too: a provider that ignores its signal must not hold the chain.
    return await Promise.race([provider.transcribe(input, signal), rejectOnAbort(signal)]);
  } catch (err) {
    if (timeout.signal.aborted && !outer?.aborted) throw abortError(timeout.signal);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(abortError(signal));
    else signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
  });
}

function asTranscriptionError(provider: string, err: unknown): TranscriptionError {
  if (err instanceof TranscriptionError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // Unknown failures (a bug, a network reset) are worth one more try, not a lost transcript.
  return new TranscriptionError(provider, message, { retryable: true, cause: err });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
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
