import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client, WithStartWorkflowOperation, Workflow } from '@temporalio/client';
import type { TwimlPlan } from '../../workflows/shared/twiml-plan';

/** One call the webhook server made on the Temporal client. */
export interface TemporalCall {
  method: 'executeUpdateWithStart' | 'executeUpdate' | 'signal' | 'signalWithStart' | 'start';
  workflowId: string;
  name: string;
  updateId?: string;
  args: unknown[];
  /** The workflow's own arguments, for calls that may start it. */
  startArgs?: unknown[];
  /** A start that asked for the first workflow task on this process's worker. */
  eager?: boolean;
}

interface Named {
  name: string;
}

/** A gRPC-shaped error, as the real client raises when the deadline passes or the server is gone. */
export class FakeServiceError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const DEADLINE_EXCEEDED = 4;
export const UNAVAILABLE = 14;

/**
 * The slice of the Temporal `Client` the webhook routes use, recording every call. `withDeadline`
 * is honoured with a real timer, so a slow `onUpdate` behaves like a slow cluster.
 */
export class FakeTemporal {
  readonly calls: TemporalCall[] = [];
  onUpdate: (call: TemporalCall) => Promise<TwimlPlan> = () =>
    Promise.resolve({ verbs: [{ verb: 'say', text: 'Hello.' }, { verb: 'hangup' }] });
  onSignal: (call: TemporalCall) => Promise<void> = () => Promise.resolve();
  onStart: (call: TemporalCall) => Promise<void> = () => Promise.resolve();
  onSystemInfo: () => Promise<unknown> = () => Promise.resolve({ serverVersion: 'fake' });

  private readonly deadline = new AsyncLocalStorage<number>();

  get updates(): TemporalCall[] {
    return this.calls.filter((c) => c.method.startsWith('executeUpdate'));
  }

  get signals(): TemporalCall[] {
    return this.calls.filter((c) => c.method === 'signal' || c.method === 'signalWithStart');
  }

  /** The one place the fake pretends to be the SDK's class. */
  asClient(): Client {
    return this as unknown as Client;
  }

  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return this.deadline.run(typeof deadline === 'number' ? deadline : deadline.getTime(), fn);
  }

  readonly workflowService = {
    getSystemInfo: (_request: object): Promise<unknown> => this.onSystemInfo(),
  };

  readonly workflow = {
    executeUpdateWithStart: (
      update: Named,
      options: {
        args: unknown[];
        updateId?: string;
        startWorkflowOperation: WithStartWorkflowOperation<Workflow>;
      },
    ): Promise<TwimlPlan> => {
      const call: TemporalCall = {
        method: 'executeUpdateWithStart',
        workflowId: options.startWorkflowOperation.options.workflowId,
        name: update.name,
        updateId: options.updateId,
        args: options.args,
      };
      this.calls.push(call);
      return this.bounded(() => this.onUpdate(call));
    },
    signalWithStart: (
      _workflow: string,
      options: {
        workflowId: string;
        signal: Named | string;
        signalArgs: unknown[];
        args?: unknown[];
      },
    ): Promise<void> => {
      const call: TemporalCall = {
        method: 'signalWithStart',
        workflowId: options.workflowId,
        name: typeof options.signal === 'string' ? options.signal : options.signal.name,
        args: options.signalArgs,
        startArgs: options.args,
      };
      this.calls.push(call);
      return this.bounded(() => this.onSignal(call));
    },
    start: (
      _workflow: string,
      options: { workflowId: string; args: unknown[]; requestEagerStart?: boolean },
    ): Promise<void> => {
      const call: TemporalCall = {
        method: 'start',
        workflowId: options.workflowId,
        name: 'callWorkflow',
        args: [],
        startArgs: options.args,
        eager: options.requestEagerStart ?? false,
      };
      this.calls.push(call);
      return this.bounded(() => this.onStart(call));
    },
    getHandle: (workflowId: string) => ({
      executeUpdate: (
        update: Named,
        options: { args: unknown[]; updateId?: string },
      ): Promise<TwimlPlan> => {
        const call: TemporalCall = {
          method: 'executeUpdate',
          workflowId,
          name: update.name,
          updateId: options.updateId,
          args: options.args,
        };
        this.calls.push(call);
        return this.bounded(() => this.onUpdate(call));
      },
      signal: (signal: Named | string, ...args: unknown[]): Promise<void> => {
        const call: TemporalCall = {
          method: 'signal',
          workflowId,
          name: typeof signal === 'string' ? signal : signal.name,
          args,
        };
        this.calls.push(call);
        return this.bounded(() => this.onSignal(call));
      },
    }),
  };

  private bounded<R>(work: () => Promise<R>): Promise<R> {
    const deadline = this.deadline.getStore();
    if (deadline === undefined) return work();
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new FakeServiceError(DEADLINE_EXCEEDED, 'Deadline exceeded')),
        Math.max(0, deadline - Date.now()),
      );
      work().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }
}

/** A `db` whose only method the server uses on the hot path is `query`. */
export interface FakeDb {
  queries: { text: string; values?: unknown[] }[];
  fail: Error | undefined;
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
}

export function fakeDb(): FakeDb {
  const db: FakeDb = {
    queries: [],
    fail: undefined,
    query(text, values) {
      db.queries.push({ text, values });
      return db.fail ? Promise.reject(db.fail) : Promise.resolve({ rows: [], rowCount: 1 });
    },
  };
  return db;
}
