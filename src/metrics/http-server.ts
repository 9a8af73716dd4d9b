import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { metricsRegistry } from './registry';

/** A running metrics endpoint; `close` stops it on shutdown. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The worker has no HTTP server of its own: this one serves `GET /metrics` and nothing else.
 * Port 0 takes any free port (tests); the worker skips calling it when WORKER_METRICS_PORT is 0.
 */
export async function startMetricsServer(
  host: string,
  port: number,
  registry: Registry = metricsRegistry,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => res.writeHead(500).end('metrics collection failed'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
