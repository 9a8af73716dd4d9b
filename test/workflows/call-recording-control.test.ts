import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallActivities } from '../../activities/call/call-log';
import type { Db } from '../../src/db/pool';
import { createTwilioWorker } from '../../src/worker/twilio-worker';
import { callRecordingControlWorkflow } from '../../workflows/call-recording/workflow';
import { startSimTwilio, waitUntil, type SimTwilio } from '../activities/twilio/sim';
import {
  nativeConnection,
  temporalClient,
  testCallRow,
  testDb,
  workflowBundle,
} from '../helpers/env';
import { startTwimlServer, twiml, type TwimlServer } from '../sim/helpers';

const suffix = Math.random().toString(36).slice(2, 10);
const mainQueue = `rec-control-${suffix}`;
const twilioQueue = `rec-control-twilio-${suffix}`;

describe('starting and pausing a live call’s recording (callRecordingControlWorkflow)', () => {
  let t: SimTwilio;
  let app: TwimlServer;
  let db: Db;
  let client: Client;
  let connection: NativeConnection;
  let workers: Worker[];
  let running: Promise<void>[];

  beforeAll(async () => {
    t = await startSimTwilio();
    app = await startTwimlServer({
      '/conf': () => twiml('<Dial><Conference>ctl</Conference></Dial>'),
    });
    db = testDb();
    client = await temporalClient();
    connection = await nativeConnection();
    workers = [
      await Worker.create({
        connection,
        taskQueue: mainQueue,
        workflowBundle: await workflowBundle(),
        activities: createCallActivities({ db }),
      }),
      await createTwilioWorker({
        connection,
        namespace: 'default',
        taskQueue: twilioQueue,
        ratePerSecond: 20,
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
    await db.end();
    await t.close();
    await app.close();
  });

  const control = (callSid: string, action: 'start' | 'pause' | 'resume' | 'stop') =>
    client.workflow.execute(callRecordingControlWorkflow, {
      taskQueue: mainQueue,
      workflowId: `call-recording-${callSid}-${action}-${Math.random().toString(36).slice(2)}`,
      args: [{ callSid, action, requestedBy: 'cli:test', twilioTaskQueue: twilioQueue }],
    });

  it('starts, pauses with skip, resumes and stops; each step is in the call log and at Twilio', async () => {
    t.sim.setParty('+15005550090', { answer: 'answer', conferenceStayMs: 15_000 });
    const call = await t.activities.createCall({
      to: '+15005550090',
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await createCallActivities({ db }).writeCallLog({
      callSid: call.sid,
      call: testCallRow(call.sid, new Date().toISOString(), { direction: 'outbound-api' }),
      events: [],
      consents: [],
    });
    await waitUntil(() => t.sim.core.live.get(call.sid)?.record.status === 'in-progress');

    const started = await control(call.sid, 'start');
    expect(started).toMatchObject({ status: 'in-progress', channels: 2 });
    expect((await control(call.sid, 'pause')).status).toBe('paused');
    expect((await control(call.sid, 'resume')).status).toBe('in-progress');
    await control(call.sid, 'stop');
    await t.activities.updateCall({ callSid: call.sid, status: 'completed' });
    const run = await t.sim.waitForCall(call.sid);

    const { rows } = await db.query<{ kind: string; detail: Record<string, unknown> }>(
      `SELECT kind, detail FROM call_events WHERE call_sid = $1 AND kind LIKE 'recording.%' ORDER BY id`,
      [call.sid],
    );
    expect(rows.map((r) => r.kind)).toEqual([
      'recording.start',
      'recording.pause',
      'recording.resume',
      'recording.stop',
    ]);
    expect(rows[1]!.detail).toMatchObject({
      recordingSid: started.sid,
      pauseBehavior: 'skip',
      requestedBy: 'cli:test',
    });
    expect(run.transcript.of('recording-control').map((e) => e.status)).toEqual([
      'in-progress',
      'paused',
      'in-progress',
      'stopped',
    ]);
  });
});
