import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { scenarios } from '../helpers/call-driver';
import { startWorkerEnv, type WorkerEnv } from '../helpers/worker-env';
import { testConfig } from '../helpers/env';

/**
 * Records the replay fixtures: `npm run histories:record`. Rerun after an intended workflow
 * change that is guarded by patched() or a new `CALL_REVISION`, and keep the old files under a
 * prefix (`v1-…`, `v2-…`, `v3-revision-2-…`) so old histories stay covered.
 */
const dir = path.resolve(__dirname, '..', 'fixtures', 'histories');

describe.runIf(process.env.RECORD_HISTORIES === '1')('record call histories', () => {
  let env: WorkerEnv;
  const taskQueue = testConfig().TEMPORAL_TASK_QUEUE;

  beforeAll(async () => {
    env = await startWorkerEnv(taskQueue);
  });

  afterAll(() => env?.stop());

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const call = await scenario(env.client, taskQueue);
      const history = await call.handle.fetchHistory();
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `call-${name}.json`), historyToJSON(history) + '\n');
    });
  }
});
