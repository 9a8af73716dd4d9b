import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioWorker } from '../../../src/worker/twilio-worker';
import { TwilioFailureType } from '../../../workflows/shared/twilio-constants';
import { nativeConnection, quietLogger, temporalClient } from '../../helpers/env';
import { startSimTwilio, waitUntil, type SimTwilio } from './sim';
import { createCallWorkflow, restBurstWorkflow } from './workflows';

const RATE = 2;
const FROM = '+14155550100';
const suffix = Math.random().toString(36).slice(2, 10);
const workflowQueue = `twilio-wf-${suffix}`;
const twilioQueue = `twilio-rest-${suffix}`;

/** Requests that left at most `ms` after `from`, counted for every start in `times`. */
function busiestWindow(times: number[], ms: number): number {
  return Math.max(...times.map((from) => times.filter((t) => t >= from && t < from + ms).length));
}

describe('Twilio REST activities through their rate-capped task queue', () => {
  let t: SimTwilio;
  let client: Client;
  let connection: NativeConnection;
  let workers: Worker[];
  let running: Promise<void>[];

  beforeAll(async () => {
    t = await startSimTwilio();
    client = await temporalClient();
    connection = await nativeConnection();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'workflows.ts'),
      logger: quietLogger,
    });
    workers = [
      await Worker.create({ connection, taskQueue: workflowQueue, workflowBundle }),
      await createTwilioWorker({
        connection,
        namespace: 'default',
        taskQueue: twilioQueue,
        ratePerSecond: RATE,
        twilio: t.client,
      }),
    ];
    running = workers.map((w) => w.run());
  });

  afterAll(async () => {
    for (const w of workers) w.shutdown();
    await Promise.all(running);
    await connection.close();
    await client.connection.close();
    await t.close();
  });

  const options = (name: string) => ({
    taskQueue: workflowQueue,
    workflowId: `${name}-${Math.random().toString(36).slice(2)}`,
  });

  it(`starts no more than ${RATE} activities a second across the queue`, async () => {
    const before = t.http.sentAt.length;
    const count = await client.workflow.execute(restBurstWorkflow, {
      ...options('burst'),
      args: [{ taskQueue: twilioQueue, messages: 5, lookups: 3, to: '+15005550080', from: FROM }],
    });
    expect(count).toBe(8);
    const times = t.http.sentAt.slice(before);
    expect(times).toHaveLength(8);
    // The server hands out tasks in small bursts (three at once here, then two seconds' pause), so
    // the cap shows over the whole run: eight starts at RATE/s need about three seconds or more.
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeGreaterThanOrEqual(((8 - RATE) / RATE) * 1000 * 0.8);
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(2 * RATE);
  });

  it('stops at a permanent error: 21212 from Twilio fails once, with its type and code', async () => {
    const before = t.http.sentAt.length;
    const result = await client.workflow.execute(createCallWorkflow, {
      ...options('invalid-from'),
      args: [{ taskQueue: twilioQueue, to: '+15005550081', from: 'not-a-number' }],
    });
    expect(result).toEqual({ outcome: 'failed', type: TwilioFailureType.permanent, code: 21212 });
    expect(t.http.sentAt.length - before).toBe(1);
  });

  it('refuses an invalid To as 21211 before any request reaches Twilio', async () => {
    const before = t.http.sentAt.length;
    const result = await client.workflow.execute(createCallWorkflow, {
      ...options('invalid-to'),
      args: [{ taskQueue: twilioQueue, to: 'not-a-number', from: FROM }],
    });
    expect(result).toEqual({ outcome: 'failed', type: TwilioFailureType.permanent, code: 21211 });
    expect(t.http.sentAt.length - before).toBe(0);
  });

  it("retries a 20429 after its Retry-After, not after the policy's first interval", async () => {
    const before = t.http.sentAt.length;
    t.sim.setFaults({ rest: { errorRate: 1, errorStatus: 429, retryAfterSeconds: 2 } });
    const handle = await client.workflow.start(createCallWorkflow, {
      ...options('rate-limited'),
      args: [{ taskQueue: twilioQueue, to: '+15005550081', from: FROM }],
    });
    // Clear the fault once the first attempt has failed, before its retry is due.
    await waitUntil(async () => {
      const { raw } = await handle.describe();
      return raw.pendingActivities?.[0]?.lastFailure != null;
    });
    t.sim.setFaults({});
    const result = await handle.result();
    expect(result.outcome).toBe('created');
    const [first, second] = t.http.sentAt.slice(before);
    expect(second! - first!).toBeGreaterThanOrEqual(1900);
  });
});
