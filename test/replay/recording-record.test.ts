import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { temporalClient, testConfig } from '../helpers/env';
import {
  fakeRecordingActivities,
  recordingScenarios,
  startFakeRecordingWorkers,
} from '../helpers/recording-driver';

/**
 * Records the recording family's replay fixtures: `RECORD_HISTORIES=1 npx vitest run
 * test/replay/recording-record.test.ts`. Rerun after an intended change guarded by a new
 * `RECORDING_REVISION`, keeping the old files under a prefix (`v1-…`).
 */
const dir = path.resolve(__dirname, '..', 'fixtures', 'histories', 'recording');

describe.runIf(process.env.RECORD_HISTORIES === '1')('record recording histories', () => {
  let client: Client;
  let workers: Awaited<ReturnType<typeof startFakeRecordingWorkers>>;
  const q = testConfig().TEMPORAL_TASK_QUEUE;

  beforeAll(async () => {
    client = await temporalClient();
    workers = await startFakeRecordingWorkers(q, fakeRecordingActivities([], { retainMs: 500 }));
  });
  afterAll(async () => {
    await workers?.stop();
    await client?.connection.close();
  });

  for (const [name, scenario] of Object.entries(recordingScenarios)) {
    it(name, async () => {
      const handle = await scenario(client, q, workers.twilioTaskQueue);
      await handle.result();
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, `recording-${name}.json`),
        historyToJSON(await handle.fetchHistory()) + '\n',
      );
    });
  }
});
