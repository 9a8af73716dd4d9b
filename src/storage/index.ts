import path from 'node:path';
import type { Config } from '../config';
import { parseKeyRing, type KeyRing } from './crypto';
import { localStorage } from './local';
import { s3Storage } from './s3';
import type { ObjectStorage } from './types';

export type { ObjectStorage, ObjectMeta } from './types';
export { parseKeyRing, type KeyRing } from './crypto';

/** The configured recording storage: local files by default, or an S3-compatible bucket. */
export function storageFromConfig(config: Config): ObjectStorage {
  if (config.RECORDING_STORAGE === 'local') {
    return localStorage(path.resolve(config.RECORDING_LOCAL_DIR));
  }
  const missing = (
    ['RECORDING_S3_BUCKET', 'RECORDING_S3_ACCESS_KEY_ID', 'RECORDING_S3_SECRET_ACCESS_KEY'] as const
  ).filter((k) => !config[k]);
  if (missing.length) throw new Error(`RECORDING_STORAGE=s3 needs ${missing.join(', ')}`);
  return s3Storage({
    ...(config.RECORDING_S3_ENDPOINT ? { endpoint: config.RECORDING_S3_ENDPOINT } : {}),
    region: config.RECORDING_S3_REGION,
    bucket: config.RECORDING_S3_BUCKET,
    prefix: config.RECORDING_S3_PREFIX,
    accessKeyId: config.RECORDING_S3_ACCESS_KEY_ID,
    secretAccessKey: config.RECORDING_S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.RECORDING_S3_FORCE_PATH_STYLE,
  });
}

/** The configured encryption keys; throws with the variable names when they are unusable. */
export function keyRingFromConfig(config: Config): KeyRing {
  if (!config.RECORDING_ENCRYPTION_KEYS || !config.RECORDING_ENCRYPTION_KEY_ID) {
    throw new Error(
      'RECORDING_ENCRYPTION_KEYS and RECORDING_ENCRYPTION_KEY_ID are required to store recordings',
    );
  }
  try {
    return parseKeyRing(config.RECORDING_ENCRYPTION_KEYS, config.RECORDING_ENCRYPTION_KEY_ID);
  } catch (err) {
    throw new Error(`RECORDING_ENCRYPTION_KEYS: ${(err as Error).message}`);
  }
}
