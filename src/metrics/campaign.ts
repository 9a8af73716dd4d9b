import { Counter } from 'prom-client';
import { METRIC_PREFIX, metricsRegistry } from './registry';

/**
 * What a paced create came to: `created` (sent to Twilio in its slot), `missed` (woke after its
 * slot's tolerance, so nothing was sent and the attempt claims a new slot), `outside-window` (the
 * callee's window closed while it waited). A rising `missed` share means the worker cannot keep
 * up with the configured CPS: the pacing stays exact, the achieved rate falls.
 */
export const campaignDials = new Counter({
  name: `${METRIC_PREFIX}campaign_dials_total`,
  help: 'Paced call creations by result: created, missed (slot passed, nothing sent), outside-window.',
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
