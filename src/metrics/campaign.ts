import { Counter, Histogram } from 'prom-client';
import { METRIC_PREFIX, metricsRegistry } from './registry';

/**
 * What a paced create came to: `created` (sent to Twilio), `missed` (too late for its slot, so
 * nothing was sent and the attempt claims a new slot), `outside-window` (the callee's window closed
 * while it waited), `suppressed` (the number opted out after the attempt's last check). A rising
 * `missed` share means the worker cannot keep up with the configured CPS: the pacing stays exact,
 * the achieved rate falls.
 */
export const campaignDials = new Counter({
  name: `${METRIC_PREFIX}campaign_dials_total`,
  help: 'Paced call creations by result: created, missed (slot passed, nothing sent), outside-window, suppressed.',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/** Contacts that reached their final state, by outcome (answered, machine, busy, no-answer…). */
export const campaignOutcomes = new Counter({
  name: `${METRIC_PREFIX}campaign_outcomes_total`,
  help: 'Campaign contacts by final outcome (answered, machine, busy, no-answer, failed, suppressed, capped, canceled).',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * How long creates waited at the send gate for earlier creates' answers. Waits near the pacing
 * tolerance are Twilio's round trip; long ones mean creates bunched up behind a slow answer.
 */
export const sendGateWait = new Histogram({
  name: `${METRIC_PREFIX}campaign_send_gate_wait_seconds`,
  help: 'Time a paced create waited at the account send gate before it left.',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});
