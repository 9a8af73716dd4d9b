import { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import type { Config } from '../../src/config';
import type { Db } from '../../src/db/pool';
import { IvrRegistry } from '../../src/ivr/registry';
import { buildApp } from '../../src/server/app';
import { createCallDeliverer } from '../../src/inbox/call-deliverer';
import { startInboxRelay } from '../../src/inbox/relay';
import { createWorker } from '../../src/worker/create-worker';
import type { callWorkflow } from '../../workflows/call/workflow';
import { type CallSnapshot } from '../../workflows/call/definitions';
import { callWorkflowId } from '../../workflows/shared/ids';
import type { IvrDefinition } from '../../workflows/ivr/types';
import { freePort } from './dev-server';
import { nativeConnection, temporalClient, testConfig, testDb, workflowBundle } from './env';

/**
 * The real webhook server listening on a local port, an in-process worker that a test can stop and
 * start again, the test database and a Temporal client: what the simulator calls into.
 */
export class LiveStack {
  private worker?: Worker;
  private running?: Promise<void>;
  private stopRelay?: () => Promise<void>;

  private constructor(
    readonly config: Config,
    readonly app: FastifyInstance,
    readonly db: Db,
    readonly client: Client,
    private readonly connection: NativeConnection,
  ) {}

  static async start(
    ivr: IvrDefinition | IvrRegistry,
    overrides: Record<string, string> = {},
    temporalAddress = inject('temporalAddress'),
  ): Promise<LiveStack> {
    const port = await freePort();
    const config = testConfig({
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      HTTP_PORT: String(port),
      TEMPORAL_ADDRESS: temporalAddress,
      ...overrides,
    });
    const db = testDb();
    const client = await temporalClient(temporalAddress);
    const connection = await nativeConnection(temporalAddress);
    const ivrs = ivr instanceof IvrRegistry ? ivr : IvrRegistry.fromDefinitions({ '*': ivr });
    const app = await buildApp({ config, db, temporal: client, ivrs, logger: false });
    await app.listen({ host: '127.0.0.1', port });
    const stack = new LiveStack(config, app, db, client, connection);
    // As in the worker process, the relay's client shares the worker's connection (eager start).
    const call = createCallDeliverer({
      db,
      temporal: new Client({ connection, namespace: 'default' }),
      eagerStart: true,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      ivrs: (id, version) => ivrs.version(db, id, version),
      log: app.log,
    });
    stack.stopRelay = startInboxRelay(
      {
        db,
        deliverers: [call],
        log: app.log,
        windowMs: config.INBOX_BATCH_WINDOW_MS,
        maxAttempts: config.INBOX_MAX_ATTEMPTS,
      },
      200,
    );
    await stack.startWorker();
    return stack;
  }

  /**
   * The call workflow's result, once the call's log is whole. In journal mode the relay starts the
   * workflow a moment after the caller's first answer (or once Temporal is back), so a call can be
   * over before it exists; and callbacks that come after the workflow closed reach the log through
   * the relay.
   */
  async callResult(callSid: string, timeoutMs = 20_000): Promise<CallSnapshot> {
    const workflowId = callWorkflowId(callSid);
    const handle = this.client.workflow.getHandle<typeof callWorkflow>(workflowId);
    const deadline = Date.now() + timeoutMs;
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 200));
    let result: CallSnapshot;
    for (;;) {
      try {
        result = await handle.result();
        break;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError) || Date.now() > deadline) throw err;
        await pause();
      }
    }
    for (;;) {
      const { rowCount } = await this.db.query(
        'SELECT 1 FROM callback_inbox WHERE workflow_id = $1',
        [workflowId],
      );
      if (!rowCount) return result;
      if (Date.now() > deadline) throw new Error(`inbox rows of ${workflowId} were not relayed`);
      await pause();
    }
  }

  get baseUrl(): string {
    return this.config.PUBLIC_BASE_URL;
  }

  async startWorker(): Promise<void> {
    this.worker = await createWorker({
      connection: this.connection,
      namespace: 'default',
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      deps: { db: this.db },
      workflowBundle: await workflowBundle(),
    });
    this.running = this.worker.run();
  }

  /** Stops the worker as a crash would leave things: workflows stay where they were. */
  async stopWorker(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    this.worker = undefined;
  }

  async stop(): Promise<void> {
    await this.stopRelay?.();
    await this.stopWorker();
    await this.app.close();
    await this.connection.close();
    await this.client.connection.close();
    await this.db.end();
  }
}
