import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { RecordingActivities } from '../../activities/recording';
import { RecordingFailureType } from './failures';

/** Rows in PostgreSQL: quick, retried until the database is back. */
export const recordingDb = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
} satisfies ActivityOptions;

/**
 * A media transfer streams tens of MB: it heartbeats every MiB, so a worker killed mid-transfer
 * is noticed within the heartbeat timeout and the transfer starts over on another worker.
 */
export const mediaTransfer = {
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '2m',
    nonRetryableErrorTypes: [RecordingFailureType.mediaRefused],
  },
} satisfies ActivityOptions;

/** Transcription runs providers with their own retries and failover; this retries the whole. */
export const transcription = {
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 5,
  },
} satisfies ActivityOptions;

export const dbActivities = proxyActivities<RecordingActivities>(recordingDb);
export const mediaActivities = proxyActivities<RecordingActivities>(mediaTransfer);
export const transcriptionActivities = proxyActivities<RecordingActivities>(transcription);
