import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { trace, type Tracer } from '@opentelemetry/api';

/** The tracing of one process: what the webhook hooks and the worker's interceptors and sink use. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Workflow spans are built inside the sandbox and handed to this processor through a sink. */
  readonly processor: SpanProcessor;
  readonly resource: Resource;
  /** Flushes what is buffered; call once, at process exit. */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

/**
 * The process's tracing, or undefined when it is off. Nothing installs a hook or interceptor when
 * it is off, so an untraced webhook pays nothing for tracing.
 */
export function currentTracing(): Tracing | undefined {
  return current;
}

function start(serviceName: string, processor: SpanProcessor): Tracing {
  const resource = new Resource({ [ATTR_SERVICE_NAME]: serviceName });
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    spanProcessors: [processor],
    // NodeSDK would otherwise start an OTLP log exporter from the same endpoint: logs go to pino.
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  const tracing: Tracing = {
    tracer: trace.getTracer('switchboard'),
    processor,
    resource,
    async shutdown() {
      if (current === tracing) current = undefined;
      await sdk.shutdown();
    },
  };
  current = tracing;
  return tracing;
}

/**
 * Starts tracing for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: spans are batched and
 * sent over OTLP/HTTP to `<endpoint>/v1/traces`, as the OpenTelemetry spec builds signal URLs from
 * the base endpoint. Returns undefined, and installs nothing, when it is empty.
 */
export function startTracing(
  config: { OTEL_EXPORTER_OTLP_ENDPOINT: string },
  serviceName: string,
): Tracing | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const exporter: SpanExporter = new OTLPTraceExporter({
    url: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
  });
  return start(serviceName, new BatchSpanProcessor(exporter));
}

/** Tracing into memory, each span exported as it ends: for tests that read the spans back. */
export function startInMemoryTracing(serviceName = 'switchboard-test'): {
  tracing: Tracing;
  exporter: InMemorySpanExporter;
} {
  const exporter = new InMemorySpanExporter();
  return { tracing: start(serviceName, new SimpleSpanProcessor(exporter)), exporter };
}
