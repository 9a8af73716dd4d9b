import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { currentTracing } from '../tracing/sdk';
import { tracingClientInterceptors } from '../tracing/client';

/** A Temporal client for the webhook server and the CLI. */
export async function connectClient(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>,
): Promise<Client> {
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: '3 seconds',
  });
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: tracingClientInterceptors(currentTracing()),
  });
}
