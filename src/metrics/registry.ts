import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric this project exports starts with it, so a dashboard query names its owner. */
export const METRIC_PREFIX = 'switchboard_';

/**
 * The process's one registry: the server and the worker are separate processes, each scraped on
 * its own port, so each holds its own metrics and Node's default ones (heap, event loop lag, GC).
 */
export const metricsRegistry = new Registry();

collectDefaultMetrics({ register: metricsRegistry, prefix: METRIC_PREFIX });

/** The names a registry exports, as Prometheus sees them before any `_bucket`/`_sum` suffix. */
export function exportedMetricNames(registry: Registry = metricsRegistry): string[] {
  return registry.getMetricsAsArray().map((metric) => metric.name);
}
