import path from 'node:path';
import { Worker, bundleWorkflowCode, type NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignContact, CampaignInput } from '../../../workflows/campaign/definitions';
import { emptyProgress } from '../../../workflows/campaign/progress';
import type { campaignWorkflow } from '../../../workflows/campaign/workflow';
import { settings } from '../../campaign/helpers';
import { nativeConnection, quietLogger, temporalClient } from '../../helpers/env';

const TOTAL = 250;
const stored: CampaignContact[] = Array.from({ length: TOTAL }, (_, i) => ({
  id: i + 1,
  line: i + 2,
  phone: `+1415555${String(1000 + i)}`,
  timeZone: 'America/New_York',
  variables: {},
}));

/** The `afterId` of every contact read, in order. */
let reads: number[] = [];
const activities = {
  registerCampaign: () => Promise.resolve({ ivrVersion: 1, regionRules: [], total: TOTAL }),
  nextContacts: (_campaignId: string, afterId: number, limit: number) => {
    reads.push(afterId);
    return Promise.resolve(stored.filter((c) => c.id > afterId).slice(0, limit));
  },
  setCampaignState: () => Promise.resolve(),
};

describe('a campaign reads its contacts in batches, ahead of need', () => {
  const taskQueue = `batches-${Math.random().toString(36).slice(2, 8)}`;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    client = await temporalClient();
    connection = await nativeConnection();
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: path.join(__dirname, 'instant-attempts.ts'),
        logger: quietLogger,
      }),
      activities,
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await client.connection.close();
  });

  const run = async (id: string, input: Partial<CampaignInput>) => {
    reads = [];
    const handle = await client.workflow.start<typeof campaignWorkflow>('campaignWorkflow', {
      taskQueue,
      workflowId: `campaign-${id}`,
      args: [{ campaignId: id, settings: settings({ maxConcurrent: 40 }), ...input }],
    });
    return handle.result();
  };

  it('starts every contact once, reading the next batch before this one runs out', async () => {
    const id = `b${Date.now().toString(36)}`;
    const status = await run(id, { contacts: stored });
    expect(status.progress).toMatchObject({ total: TOTAL, done: TOTAL, answered: TOTAL });
    // Each batch read once, after the last contact read before it: no contact read twice.
    expect(reads).toEqual([0, 100, 200]);
  });

  it('a continued run starts the batch its predecessor had read, then reads after it', async () => {
    const id = `c${Date.now().toString(36)}`;
    const status = await run(id, {
      carry: {
        cursor: 20,
        progress: { ...emptyProgress(TOTAL), answered: 20, done: 20 },
        inFlight: [],
        parked: [],
        phones: {},
        state: 'running',
        ivrVersion: 1,
        regionRules: [],
        cps: 5,
        startedAt: Date.now(),
        runs: 1,
        pending: stored.slice(20, 60),
      },
    });
    expect(status.progress).toMatchObject({ total: TOTAL, done: TOTAL, answered: TOTAL });
    expect(status.run).toBe(2);
    expect(reads).toEqual([60, 160]);
  });
});
