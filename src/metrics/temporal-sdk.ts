/**
 * The Temporal SDK core's own metrics the dashboard uses, as its Prometheus exporter names them
 * (`temporal_` prefix, durations in milliseconds, no unit suffix). They come from sdk-core's
 * telemetry sources shipped in @temporalio/core-bridge, which test/metrics/dashboard.test.ts reads
 * to keep this list honest across SDK upgrades.
 */
export const TEMPORAL_SDK_METRICS = [
  'temporal_workflow_task_execution_latency',
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_activity_execution_latency',
  // writeCallLog runs as a local activity (call revision 3): it never reaches the task queue.
  'temporal_local_activity_execution_latency',
] as const;

/**
 * Telemetry options for `Runtime.install`: the SDK core serves its metrics itself, on a port of
 * its own, since they live in Rust and never reach prom-client's registry.
 */
export function temporalSdkMetrics(host: string, port: number) {
  return { metrics: { prometheus: { bindAddress: `${host}:${port}` } } };
}
