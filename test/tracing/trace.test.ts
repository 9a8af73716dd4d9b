import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, type NativeConnection, type Worker } from '@temporalio/worker';
import { DOMParser } from '@xmldom/xmldom';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db/pool';
import { createCallDeliverer } from '../../src/inbox/call-deliverer';
import type { InboxRow } from '../../src/inbox/deliverer';
import { IvrRegistry } from '../../src/ivr/registry';
import { buildApp } from '../../src/server/app';
import { connectClient } from '../../src/temporal/connect';
import { callTraceId } from '../../src/tracing/attributes';
import { startInMemoryTracing } from '../../src/tracing/sdk';
import { WORKFLOW_TRACING_MODULES } from '../../src/tracing/temporal';
import { createWorker, workflowsPath } from '../../src/worker/create-worker';
import { callWorkflowId } from '../../workflows/shared/ids';
import {
  ACCOUNT_SID,
  loadIvr,
  nativeConnection,
  quietLogger,
  randomCallSid,
  testConfig,
  testDb,
} from '../helpers/env';
import { inboundParams, signedPost } from '../server/harness';

// Tracing is installed before the client, the app and the worker are built, as main.ts does.
const { tracing, exporter } = startInMemoryTracing();
let config: Config;
let db: Db;
let client: Client;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let app: FastifyInstance;

beforeAll(async () => {
  config = testConfig({ WEBHOOK_MODE: 'update', CALL_LINGER_SECONDS: '1' });
  db = testDb();
  client = await connectClient(config);
  connection = await nativeConnection();
  // The workflow interceptors live in the bundle: a prebuilt bundle must name them itself.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [...WORKFLOW_TRACING_MODULES],
    logger: quietLogger,
  });
  worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: { db },
    workflowBundle,
  });
  running = worker.run();
  const ivrs = IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') });
  app = await buildApp({ config, db, temporal: client, ivrs, logger: false });
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  await connection?.close();
  await client?.connection.close();
  await db?.end();
  await tracing.shutdown();
});

function gatherPath(xml: string): string {
  const gather = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagName('Gather')[0];
  const action = gather?.getAttribute('action');
  if (!action) throw new Error(`no Gather action in ${xml}`);
  return action.slice(config.PUBLIC_BASE_URL.length);
}

/** Workflow spans reach the exporter through the sink once their workflow task completes. */
async function spansUntil(done: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  for (let i = 0; i < 100; i++) {
    const spans = exporter.getFinishedSpans();
    if (done(spans)) return spans;
    await new Promise((r) => setTimeout(r, 100));
  }
  return exporter.getFinishedSpans();
}

it('traces one call, inbound to status, webhook to workflow to activity, as one trace', async () => {
  const callSid = randomCallSid();
  const inbound = await app.inject(
    signedPost({ config }, '/voice/inbound', inboundParams({ CallSid: callSid })),
  );
  expect(inbound.statusCode).toBe(200);
  const gather = await app.inject(
    signedPost({ config }, gatherPath(inbound.body), {
      CallSid: callSid,
      AccountSid: ACCOUNT_SID,
      Digits: '1',
    }),
  );
  expect(gather.statusCode).toBe(200);
  const status = await app.inject(
    signedPost({ config }, '/voice/status', {
      CallSid: callSid,
      AccountSid: ACCOUNT_SID,
      CallStatus: 'completed',
      SequenceNumber: '3',
      CallDuration: '12',
    }),
  );
  expect(status.statusCode).toBe(204);
  await client.workflow.getHandle(callWorkflowId(callSid)).result();

  const names = (spans: ReadableSpan[]): string[] => spans.map((s) => s.name);
  const spans = await spansUntil((all) => {
    const n = names(all);
    return n.some((x) => x.startsWith('RunWorkflow:')) && n.includes('RunActivity:writeCallLog');
  });
  const ofCall = spans.filter((s) => s.spanContext().traceId === callTraceId(callSid));
  expect(names(ofCall)).toEqual(
    expect.arrayContaining([
      'POST /voice/inbound',
      'POST /voice/event',
      'POST /voice/status',
      'UpdateWithStartWorkflow:callWebhook',
      'RunWorkflow:callWorkflow',
      'HandleUpdate:callWebhook',
      'RunActivity:writeCallLog',
    ]),
  );
  // Nothing of this call escaped into a trace of its own, and every span names the call.
  expect(spans.filter((s) => s.attributes.CallSid === callSid)).toHaveLength(ofCall.length);
  for (const span of ofCall) expect(span.attributes.CallSid, span.name).toBe(callSid);
  const webhook = ofCall.find((s) => s.name === 'POST /voice/event');
  expect(webhook?.attributes).toMatchObject({
    'http.route': '/voice/event',
    'http.response.status_code': 200,
    'switchboard.webhook_mode': 'update',
  });
});

it("traces a webhook refused for its signature, in the call's trace", async () => {
  const callSid = randomCallSid();
  const res = await app.inject({
    ...signedPost({ config }, '/voice/status', { CallSid: callSid, CallStatus: 'completed' }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': 'forged',
    },
  });
  expect(res.statusCode).toBe(403);
  const span = exporter.getFinishedSpans().find((s) => s.attributes.CallSid === callSid);
  expect(span?.name).toBe('POST /voice/status');
  expect(span?.spanContext().traceId).toBe(callTraceId(callSid));
  expect(span?.attributes['http.response.status_code']).toBe(403);
});

it('traces a journaled call: the workflow the inbox relay starts joins the webhook spans', async () => {
  const journalConfig = { ...config, WEBHOOK_MODE: 'journal' as const };
  const ivrs = IvrRegistry.fromDefinitions({ '*': loadIvr('test-line') });
  const journalApp = await buildApp({ config: journalConfig, db, temporal: client, ivrs });
  const callSid = randomCallSid();
  const workflowId = callWorkflowId(callSid);
  try {
    const inbound = await journalApp.inject(
      signedPost({ config }, '/voice/inbound', inboundParams({ CallSid: callSid })),
    );
    expect(inbound.statusCode).toBe(200);
  } finally {
    await journalApp.close();
  }
  // What the relay does for this call's rows: the deliverer, on a client with tracing interceptors.
  const { rows } = await db.query<InboxRow>(
    `SELECT id, family, kind, workflow_id AS "workflowId", payload, start_input AS "startInput",
            attempts FROM callback_inbox WHERE workflow_id = $1 ORDER BY id`,
    [workflowId],
  );
  expect(rows).toHaveLength(1);
  const deliverer = createCallDeliverer({
    db,
    temporal: client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ivrs: (id, version) => ivrs.version(db, id, version),
    log: { error: () => undefined, warn: () => undefined, debug: () => undefined },
  });
  await deliverer.deliver(workflowId, rows);
  await db.query('DELETE FROM callback_inbox WHERE workflow_id = $1', [workflowId]);
  // Twilio's final status, through a webhook server as always.
  const status = await app.inject(
    signedPost({ config }, '/voice/status', {
      CallSid: callSid,
      AccountSid: ACCOUNT_SID,
      CallStatus: 'completed',
      SequenceNumber: '9',
    }),
  );
  expect(status.statusCode).toBe(204);
  await client.workflow.getHandle(workflowId).result();
  const spans = await spansUntil((all) =>
    all.some((s) => s.name.startsWith('RunWorkflow:') && s.attributes.CallSid === callSid),
  );
  const ofCall = spans.filter((s) => s.spanContext().traceId === callTraceId(callSid));
  expect(ofCall.map((s) => s.name)).toEqual(
    expect.arrayContaining([
      'POST /voice/inbound',
      'StartWorkflow:callWorkflow',
      'RunWorkflow:callWorkflow',
    ]),
  );
  expect(spans.filter((s) => s.attributes.CallSid === callSid)).toHaveLength(ofCall.length);
});
