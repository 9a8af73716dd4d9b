import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Db } from '../../src/db/pool';
import { createWorker } from '../../src/worker/create-worker';
import { nativeConnection, temporalClient, testDb, workflowBundle } from './env';

/** A client, the test database and an in-process worker on `taskQueue`, for workflow-level tests. */
export interface WorkerEnv {
  client: Client;
  db: Db;
  stop(): Promise<void>;
}

export async function startWorkerEnv(taskQueue: string): Promise<WorkerEnv> {
  const db = testDb();
  const client = await temporalClient();
  const connection: NativeConnection = await nativeConnection();
  const worker: Worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    deps: { db },
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  return {
    client,
    db,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
      await db.end();
    },
  };
}
