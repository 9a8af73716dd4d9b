import { Counter } from 'prom-client';
import type { CallLogBatch } from '../../activities/call/call-log';
import { isFinalStatus } from '../../workflows/shared/call-status';
import { METRIC_PREFIX, metricsRegistry } from './registry';

export const callsTotal = new Counter({
  name: `${METRIC_PREFIX}calls_total`,
  help: 'Calls that reached a final status, by that status (completed, busy, failed, no-answer, canceled).',
  labelNames: ['final_status'] as const,
  registers: [metricsRegistry],
});

export const callsAnswered = new Counter({
  name: `${METRIC_PREFIX}calls_answered_total`,
  help: 'Calls that ended completed, which Twilio reports only for a call that was answered.',
  registers: [metricsRegistry],
});

/** How an IVR prompt ended: a choice, silence, or input that matched no option. */
export type GatherOutcome = 'selected' | 'no-input' | 'invalid';

export const gathersTotal = new Counter({
  name: `${METRIC_PREFIX}gathers_total`,
  help: 'IVR gathers by outcome: selected, no-input or invalid.',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

function gatherOutcome(kind: string, detail: Record<string, unknown>): GatherOutcome | undefined {
  if (kind === 'ivr.selected') return 'selected';
  if (kind !== 'ivr.failed') return undefined;
  return detail.reason === 'no-input' || detail.reason === 'invalid' ? detail.reason : undefined;
}

/**
 * Counts what one committed batch says about calls: the workflow dedupes callbacks before they
 * reach a batch and Twilio sends one final status per call, so a final status counts the call
 * once. A batch retried after its commit (the activity timed out late) would count twice; that is
 * rare and only nudges a rate.
 */
export function countCallLogBatch(batch: CallLogBatch): void {
  const final = batch.events.filter(
    (e) => e.kind === 'status' && e.callStatus !== undefined && isFinalStatus(e.callStatus),
  );
  const last = final.at(-1)?.callStatus;
  if (last !== undefined) {
    callsTotal.inc({ final_status: last });
    if (last === 'completed') callsAnswered.inc();
  }
  for (const event of batch.events) {
    const outcome = gatherOutcome(event.kind, event.detail);
    if (outcome) gathersTotal.inc({ outcome });
  }
}

/**
 * Decorates the worker's activities: `writeCallLog` counts its batch once the transaction has
 * committed, so a refused batch (and its retry) is counted only when it lands.
 */
export function withCallMetrics<T extends { writeCallLog(batch: CallLogBatch): Promise<void> }>(
  activities: T,
): T {
  const write = activities.writeCallLog.bind(activities);
  return {
    ...activities,
    async writeCallLog(batch: CallLogBatch): Promise<void> {
      await write(batch);
      countCallLogBatch(batch);
    },
  };
}
