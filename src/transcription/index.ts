import { ConfigError } from '../config';
import { createAssemblyAi } from './assemblyai';
import type { TranscriptionConfig } from './config';
import { createDeepgram } from './deepgram';
import { failoverChain, type FailoverOptions } from './failover';
import { createPocketsphinx } from './pocketsphinx';
import type { Transcriber } from './types';

export * from './types';
export { failoverChain } from './failover';
export { createPocketsphinx } from './pocketsphinx';
export { createDeepgram } from './deepgram';
export { createAssemblyAi } from './assemblyai';

/**
 * The configured providers (a loaded `Config` will do) (`TRANSCRIPTION_PROVIDERS`, in order) as one failover chain.
 * Throws `ConfigError` when a cloud provider is listed without its API key, so a worker fails
 * at start rather than on its first recording.
 */
export function transcriberFromConfig(
  config: TranscriptionConfig,
  hooks: Pick<FailoverOptions, 'onAttemptFailed'> = {},
): Transcriber {
  const c = config;
  const problems: string[] = [];
  const providers = c.TRANSCRIPTION_PROVIDERS.map((name): Transcriber => {
    switch (name) {
      case 'pocketsphinx':
        return createPocketsphinx({
          bin: c.POCKETSPHINX_BIN,
          modelDir: c.POCKETSPHINX_MODEL_DIR,
          sox: c.SOX_BIN,
        });
      case 'deepgram':
        if (!c.DEEPGRAM_API_KEY)
          problems.push('DEEPGRAM_API_KEY is required when TRANSCRIPTION_PROVIDERS lists deepgram');
        return createDeepgram({
          apiKey: c.DEEPGRAM_API_KEY,
          baseUrl: c.DEEPGRAM_BASE_URL,
          model: c.DEEPGRAM_MODEL,
        });
      case 'assemblyai':
        if (!c.ASSEMBLYAI_API_KEY)
          problems.push(
            'ASSEMBLYAI_API_KEY is required when TRANSCRIPTION_PROVIDERS lists assemblyai',
          );
        return createAssemblyAi({
          apiKey: c.ASSEMBLYAI_API_KEY,
          baseUrl: c.ASSEMBLYAI_BASE_URL,
          pollIntervalMs: c.ASSEMBLYAI_POLL_INTERVAL_MS,
        });
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return failoverChain(providers, {
    retries: c.TRANSCRIPTION_RETRIES,
    retryDelayMs: c.TRANSCRIPTION_RETRY_DELAY_MS,
    timeoutMs: c.TRANSCRIPTION_TIMEOUT_MS,
    ...hooks,
  });
}
