import path from 'node:path';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { withCallMetrics } from '../metrics/calls';
import { currentTracing } from '../tracing/sdk';
import { tracingWorkerOptions } from '../tracing/temporal';

// The build keeps the source layout under dist/, so the workflows sit at the same relative path as
// this file, with its extension: index.ts under tsx, dist/workflows/index.js once built.
export const workflowsPath = path.resolve(
  __dirname,
  '..',
  '..',
  'workflows',
  `index${path.extname(__filename)}`,
);

export interface WorkerParams {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Tests pass a prebuilt bundle so each worker does not rebuild it. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  activities?: object;
}

/** A worker for workflows and database activities, with activities built from injected clients. */
export async function createWorker(params: WorkerParams): Promise<Worker> {
  return Worker.create({
    connection: params.connection,
    namespace: params.namespace,
    taskQueue: params.taskQueue,
    ...(params.workflowBundle ? { workflowBundle: params.workflowBundle } : { workflowsPath }),
    activities: params.activities ?? withCallMetrics(createActivities(params.deps)),
    // A prebuilt bundle must have been bundled with WORKFLOW_TRACING_MODULES for workflow spans.
    ...tracingWorkerOptions(currentTracing(), { prebuiltBundle: !!params.workflowBundle }),
  });
}
