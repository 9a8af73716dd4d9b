import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { createTwilioActivities } from '../../activities/twilio';
import type { SendGate } from '../campaign/send-gate';
import type { Config } from '../config';
import { createTwilioClient, type TwilioClient } from '../twilio/client';
import { currentTracing } from '../tracing/sdk';
import { tracingWorkerOptions } from '../tracing/temporal';

// Under the Twilio activities' 30 s start-to-close, so a slow answer fails as TwilioTransient
// (retried with backoff) rather than as an activity timeout.
const TWILIO_HTTP_TIMEOUT_MS = 20_000;

type TwilioConfig = Pick<
  Config,
  | 'TWILIO_ACCOUNT_SID'
  | 'TWILIO_AUTH_TOKEN'
  | 'TWILIO_API_BASE_URL'
  | 'TWILIO_EDGE'
  | 'TWILIO_REGION'
>;

/** The project's Twilio client from config: Twilio itself, or the simulator at its base URL. */
export function twilioClientFromConfig(config: TwilioConfig): TwilioClient {
  return createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
    edge: config.TWILIO_EDGE,
    region: config.TWILIO_REGION,
    timeoutMs: TWILIO_HTTP_TIMEOUT_MS,
  });
}

export interface TwilioWorkerParams {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Twilio REST activities per second across the whole task queue. */
  ratePerSecond: number;
  twilio: TwilioClient;
  /** Honour campaign rehearsals' window clock (only when `twilio` is the simulator). */
  rehearsal?: boolean;
  /** The account's send gate for campaign creates (PostgreSQL). */
  sendGate?: SendGate;
}

/**
 * A worker for Twilio REST activities only. `maxTaskQueueActivitiesPerSecond` is enforced by the
 * server for the whole task queue, so the cap holds however many workers run; each one must set
 * the same value, or the last to poll wins.
 */
export async function createTwilioWorker(params: TwilioWorkerParams): Promise<Worker> {
  return Worker.create({
    connection: params.connection,
    namespace: params.namespace,
    taskQueue: params.taskQueue,
    activities: createTwilioActivities({
      twilio: params.twilio,
      rehearsal: params.rehearsal ?? false,
      ...(params.sendGate ? { sendGate: params.sendGate } : {}),
    }),
    maxTaskQueueActivitiesPerSecond: params.ratePerSecond,
    // No workflows run here: only the activity interceptors, so REST calls join the call's trace.
    ...tracingWorkerOptions(currentTracing(), { prebuiltBundle: true }),
  });
}
