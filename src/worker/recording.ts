import type { Client } from '@temporalio/client';
import type { ActivityDeps } from '../../activities';
import type { Config } from '../config';
import { createRecordingDeliverer } from '../inbox/recording-deliverer';
import type { Deliverer, InboxLog } from '../inbox/deliverer';
import { redact } from '../redaction/redact';
import { redactionRulesFromConfig } from '../redaction/config';
import { keyRingFromConfig, storageFromConfig } from '../storage';
import { transcriberFromConfig } from '../transcription';

/**
 * The recording family's activity dependencies from config: storage, encryption keys, the
 * transcriber chain, redaction and Twilio media access. Without encryption keys the family is not
 * served (recordings wait in Temporal, retried, until a worker with keys runs), and the worker
 * says so at start instead of storing media in the clear.
 */
export function recordingDepsFromConfig(
  config: Config,
  log: { warn(obj: object, msg: string): void },
): ActivityDeps['recording'] {
  if (!config.RECORDING_ENCRYPTION_KEYS) {
    log.warn(
      { missing: 'RECORDING_ENCRYPTION_KEYS' },
      'recording activities not served: no encryption keys configured',
    );
    return undefined;
  }
  return {
    storage: storageFromConfig(config),
    keys: keyRingFromConfig(config),
    transcriber: transcriberFromConfig(config),
    redact,
    redactionRules: redactionRulesFromConfig(config),
    twilio: {
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
    },
    maxConcurrent: config.RECORDING_MAX_CONCURRENT_TRANSFERS,
  };
}

/** The recording family's inbox deliverer on the relay's client. */
export function recordingDeliverer(config: Config, temporal: Client, log: InboxLog): Deliverer {
  return createRecordingDeliverer({
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    twilioTaskQueue: config.TEMPORAL_TWILIO_TASK_QUEUE,
    log,
  });
}
