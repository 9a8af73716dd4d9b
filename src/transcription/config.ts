import { z } from 'zod';

/** Providers `TRANSCRIPTION_PROVIDERS` may name, in failover order. */
export const PROVIDER_NAMES = ['pocketsphinx', 'deepgram', 'assemblyai'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const providerList = z
  .string()
  .default('pocketsphinx')
  .transform((text, ctx) => {
    const names = text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(PROVIDER_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must list one or more of ${PROVIDER_NAMES.join(', ')} (got ${text || 'nothing'})`,
      });
    }
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: 'custom', message: 'names a provider twice' });
    }
    return names as ProviderName[];
  });

/** Transcription keys, spread into the schema in `src/config.ts`; documented in `.env.example`. */
export const transcriptionFields = {
  TRANSCRIPTION_PROVIDERS: providerList,
  TRANSCRIPTION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  TRANSCRIPTION_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  TRANSCRIPTION_RETRY_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  POCKETSPHINX_BIN: z.string().min(1).default('pocketsphinx_continuous'),
  POCKETSPHINX_MODEL_DIR: z.string().min(1).default('/usr/share/pocketsphinx/model/en-us'),
  SOX_BIN: z.string().min(1).default('sox'),
  DEEPGRAM_API_KEY: z.string().default(''),
  DEEPGRAM_BASE_URL: z.url().default('https://api.deepgram.com'),
  DEEPGRAM_MODEL: z.string().min(1).default('nova-2'),
  ASSEMBLYAI_API_KEY: z.string().default(''),
  ASSEMBLYAI_BASE_URL: z.url().default('https://api.assemblyai.com'),
  ASSEMBLYAI_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(3000),
};

/** The keys `transcriberFromConfig` reads; a full `Config` satisfies it. */
export type TranscriptionConfig = {
  readonly [K in keyof typeof transcriptionFields]: z.output<(typeof transcriptionFields)[K]>;
};
