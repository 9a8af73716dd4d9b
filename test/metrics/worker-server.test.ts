import { describe, expect, it } from 'vitest';
import '../../src/metrics/calls';
import { startMetricsServer } from '../../src/metrics/http-server';
import { temporalSdkMetrics } from '../../src/metrics/temporal-sdk';
import { testConfig } from '../helpers/env';

describe('the worker metrics endpoint', () => {
  it('serves the registry on GET /metrics and nothing else', async () => {
    const server = await startMetricsServer('127.0.0.1', 0);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain('# TYPE switchboard_calls_total counter');
      // Node's default metrics, under the project's prefix.
      expect(text).toContain('switchboard_process_start_time_seconds');
      expect((await fetch(`${base}/`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('takes its ports from config: 9464 and 9465 by default, 0 for off', () => {
    const defaults = testConfig();
    expect(defaults.WORKER_METRICS_PORT).toBe(9464);
    expect(defaults.TEMPORAL_SDK_METRICS_PORT).toBe(9465);
    const off = testConfig({ WORKER_METRICS_PORT: '0', TEMPORAL_SDK_METRICS_PORT: '0' });
    expect([off.WORKER_METRICS_PORT, off.TEMPORAL_SDK_METRICS_PORT]).toEqual([0, 0]);
    expect(() => testConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
    expect(temporalSdkMetrics('0.0.0.0', 9465)).toEqual({
      metrics: { prometheus: { bindAddress: '0.0.0.0:9465' } },
    });
  });
});
