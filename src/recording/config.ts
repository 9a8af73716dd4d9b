import { z } from 'zod';

/**
 * The recording family's configuration, spread into the process schema in src/config.ts.
 * Storage is local files unless RECORDING_STORAGE=s3; encryption keys are required only by the
 * processes that read or write media (the worker and `npm run recording`), which check them when
 * they build the key ring.
 */
export const recordingFields = {
  RECORDING_STORAGE: z.enum(['local', 's3']).default('local'),
  RECORDING_LOCAL_DIR: z.string().min(1).default('.data/recordings'),
  RECORDING_S3_ENDPOINT: z.union([z.literal(''), z.url()]).default(''),
  RECORDING_S3_REGION: z.string().min(1).default('us-east-1'),
  RECORDING_S3_BUCKET: z.string().default(''),
  RECORDING_S3_PREFIX: z.string().default('recordings/'),
  RECORDING_S3_ACCESS_KEY_ID: z.string().default(''),
  RECORDING_S3_SECRET_ACCESS_KEY: z.string().default(''),
  RECORDING_S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** `id:base64,id:base64`: every key that may still be needed to read an object. */
  RECORDING_ENCRYPTION_KEYS: z.string().default(''),
  /** The key new objects (and rotated ones) are written under. */
  RECORDING_ENCRYPTION_KEY_ID: z.string().default(''),
  /** Ask Twilio to transcribe voicemails too (billed by Twilio); its text is redacted on arrival. */
  RECORDING_TWILIO_TRANSCRIBE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Concurrent media transfers per worker: each holds a socket and a file, not the media. */
  RECORDING_MAX_CONCURRENT_TRANSFERS: z.coerce.number().int().min(1).max(100).default(4),
};
