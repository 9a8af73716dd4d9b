import type { Connection } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { fail, messageOf, pass, type Check, type CheckResult, type DoctorDeps } from '../types';

/** temporal.api.enums.v1.TaskQueueType and TaskQueueKind values. */
const WORKFLOW_TASKS = 1;
const ACTIVITY_TASKS = 2;
const NORMAL_QUEUE = 1;

/**
 * A poll lasts up to about a minute and the server notes the time it began, so an idle, healthy
 * worker can look a minute old; after two minutes it has stopped polling.
 */
export const POLLER_FRESH_MS = 120_000;

async function freshPollers(
  connection: Connection,
  deps: DoctorDeps,
  taskQueue: string,
  taskQueueType: number,
): Promise<number> {
  const { pollers } = await connection.withDeadline(Date.now() + deps.timeoutMs, () =>
    connection.workflowService.describeTaskQueue({
      namespace: deps.config.TEMPORAL_NAMESPACE,
      taskQueue: { name: taskQueue, kind: NORMAL_QUEUE },
      taskQueueType,
    }),
  );
  const since = deps.now().getTime() - POLLER_FRESH_MS;
  return (pollers ?? []).filter((p) => (optionalTsToMs(p.lastAccessTime) ?? 0) >= since).length;
}

/**
 * Someone polls each task queue Switchboard schedules on: workflow and activity tasks on the main
 * queue, activity tasks on the Twilio REST queue. Without a poller, calls wait until their webhook
 * times out (Twilio's 15 s) and the caller hears the application error.
 */
export const checkWorkers: Check = async (deps) => {
  const main = deps.config.TEMPORAL_TASK_QUEUE;
  const rest = deps.config.TEMPORAL_TWILIO_TASK_QUEUE;
  const wanted: [string, number, string][] = [
    [main, WORKFLOW_TASKS, 'workflow'],
    [main, ACTIVITY_TASKS, 'activity'],
    [rest, ACTIVITY_TASKS, 'activity'],
  ];
  let connection: Connection;
  try {
    connection = await deps.temporal();
  } catch (err) {
    return [fail('worker polling', messageOf(err), 'fix the Temporal connection first')];
  }
  const results: CheckResult[] = [];
  for (const [queue, type, label] of wanted) {
    const name = `worker polling ${queue} (${label} tasks)`;
    try {
      const count = await freshPollers(connection, deps, queue, type);
      results.push(
        count > 0
          ? pass(name, `${count} poller(s) in the last ${POLLER_FRESH_MS / 1000} s`)
          : fail(
              name,
              `no poller in the last ${POLLER_FRESH_MS / 1000} s`,
              `start \`npm run worker\` with TEMPORAL_TASK_QUEUE=${main} and TEMPORAL_TWILIO_TASK_QUEUE=${rest} in namespace ${deps.config.TEMPORAL_NAMESPACE}`,
            ),
      );
    } catch (err) {
      results.push(fail(name, messageOf(err), 'check the Temporal connection'));
    }
  }
  return results;
};
