import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Db } from '../../src/db/pool';
import { createWorker } from '../../src/worker/create-worker';
import { scenarios } from '../helpers/call-driver';
import {
  nativeConnection,
  temporalClient,
  testConfig,
  testDb,
  workflowBundle,
} from '../helpers/env';

/**
 * Records the replay fixtures: `npm run histories:record`. Rerun after an intended workflow
 * change that is guarded by patched(), and keep the old files so old histories stay covered.
 */
const dir = path.resolve(__dirname, '..', 'fixtures', 'histories');

describe.runIf(process.env.RECORD_HISTORIES === '1')('record call histories', () => {
  let db: Db;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = testConfig().TEMPORAL_TASK_QUEUE;

  beforeAll(async () => {
    db = testDb();
    client = await temporalClient();
    connection = await nativeConnection();
    worker = await createWorker({
      connection,
      namespace: 'default',
      taskQueue,
      deps: { db },
      workflowBundle: await workflowBundle(),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
    await db.end();
  });

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const call = await scenario(client, taskQueue);
      const history = await call.handle.fetchHistory();
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `call-${name}.json`), historyToJSON(history) + '\n');
    });
  }
});
