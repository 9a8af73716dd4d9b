import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { currentTracing, startTracing } from '../../src/tracing/sdk';

// A stand-in OTLP/HTTP collector on loopback: what an OpenTelemetry Collector's :4318 receives.
const received: { url: string; contentType: string; body: string }[] = [];
let collector: Server;
let endpoint: string;

const bodyOf = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

beforeAll(async () => {
  collector = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      received.push({ url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
});

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  PUBLIC_BASE_URL: 'https://voice.example.com',
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'x'.repeat(32),
};

it('is off, and installs nothing, when OTEL_EXPORTER_OTLP_ENDPOINT is empty', () => {
  const config = loadConfig(base);
  expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('');
  expect(startTracing(config, 'switchboard-server')).toBeUndefined();
  expect(currentTracing()).toBeUndefined();
});

it('refuses an endpoint that is not a URL', () => {
  expect(() => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
    ConfigError,
  );
});

it('exports spans over OTLP/HTTP to <endpoint>/v1/traces with the process service name', async () => {
  const config = loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
  const tracing = startTracing(config, 'switchboard-worker');
  expect(tracing).toBeDefined();
  expect(currentTracing()).toBe(tracing);
  tracing?.tracer.startSpan('probe-span').end();
  // Shutdown flushes the batch processor: the span is sent before the process exits.
  await tracing?.shutdown();
  expect(currentTracing()).toBeUndefined();
  const traces = received.filter((r) => r.url === '/v1/traces');
  expect(traces).toHaveLength(1);
  expect(traces[0]?.contentType).toMatch(/application\/json/);
  expect(traces[0]?.body).toContain('probe-span');
  expect(traces[0]?.body).toContain('switchboard-worker');
  // Logs stay with pino: nothing else reached the collector.
  expect(received.map((r) => r.url)).toEqual(['/v1/traces']);
});
