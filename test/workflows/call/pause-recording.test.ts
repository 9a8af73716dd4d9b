import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateCallRecordingInput } from '../../../activities/twilio';
import type { Config } from '../../../src/config';
import type { Db } from '../../../src/db/pool';
import { callStatusSignal, callWebhookUpdate } from '../../../workflows/call/definitions';
import type { callWorkflow } from '../../../workflows/call/workflow';
import { callWorkflowId } from '../../../workflows/shared/ids';
import { TWILIO_TASK_QUEUE } from '../../../workflows/shared/twilio-constants';
import { nativeConnection, randomCallSid, testCallInput, testConfig } from '../../helpers/env';
import { startWorkerEnv, type WorkerEnv } from '../../helpers/worker-env';
import { cardIvr } from '../../helpers/card-ivr';

let config: Config;
let env: WorkerEnv;
let db: Db;
let client: Client;
let connection: NativeConnection;
let twilioWorker: Worker;
let twilioRunning: Promise<void>;
const sent: UpdateCallRecordingInput[] = [];

beforeAll(async () => {
  config = testConfig();
  env = await startWorkerEnv(config.TEMPORAL_TASK_QUEUE);
  ({ db, client } = env);
  connection = await nativeConnection();
  // The Twilio queue's worker, with the one REST activity this path uses recorded instead of sent.
  twilioWorker = await Worker.create({
    connection,
    taskQueue: TWILIO_TASK_QUEUE,
    activities: {
      updateCallRecording(input: UpdateCallRecordingInput) {
        sent.push(input);
        return Promise.resolve({ sid: 'RE' + '0'.repeat(32), status: input.status });
      },
    },
  });
  twilioRunning = twilioWorker.run();
});

afterAll(async () => {
  twilioWorker?.shutdown();
  await twilioRunning;
  await connection?.close();
  await env?.stop();
});

async function waitFor(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('an IVR menu with pauseRecording', () => {
  it('pauses the call’s recording (skip) once the menu is answered, resumes it after the digits; both logged', async () => {
    const callSid = randomCallSid();
    const input = { ...testCallInput(callSid), ivr: cardIvr(true) };
    const first = await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'first',
      startWorkflowOperation: new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
        workflowId: callWorkflowId(callSid),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    const gather = first.verbs.find((v) => v.verb === 'gather');
    await waitFor(() => sent.some((s) => s.callSid === callSid));
    expect(sent.filter((s) => s.callSid === callSid)).toEqual([
      { callSid, status: 'paused', pauseBehavior: 'skip' },
    ]);

    const handle = client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid));
    const step = gather && 'action' in gather ? gather.action.step : '';
    await handle.executeUpdate(callWebhookUpdate, {
      args: [{ kind: 'gather', step, digits: '1' }],
      updateId: 'second',
    });
    await waitFor(() => sent.filter((s) => s.callSid === callSid).length === 2);
    expect(sent.filter((s) => s.callSid === callSid)[1]).toEqual({
      callSid,
      status: 'in-progress',
    });

    await handle.signal(callStatusSignal, {
      eventKey: `${callSid}:status:9`,
      callStatus: 'completed',
      sequenceNumber: 9,
      timestamp: new Date().toISOString(),
    });
    await handle.result();
    const { rows } = await db.query<{ kind: string }>(
      `SELECT kind FROM call_events WHERE call_sid = $1 AND kind LIKE 'ivr.recording-%' ORDER BY id`,
      [callSid],
    );
    expect(rows.map((r) => r.kind)).toEqual(['ivr.recording-paused', 'ivr.recording-resumed']);
  });
});
