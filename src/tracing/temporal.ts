import { trace } from '@opentelemetry/api';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetryWorkflowExporter,
  type SerializableSpan,
} from '@temporalio/interceptors-opentelemetry';
import type { Context as ActivityContext } from '@temporalio/activity';
import type {
  ActivityInboundCallsInterceptor,
  InjectedSinks,
  WorkerOptions,
} from '@temporalio/worker';
import type { Tracing } from './sdk';
import { workflowAttributes } from './attributes';

/**
 * The workflow interceptor module the SDK loads into the sandbox (and the bundler must include):
 * it opens RunWorkflow, HandleUpdate, HandleSignal and StartActivity spans from the trace headers
 * the client interceptor writes, and hands the spans out through the `exporter` sink.
 */
export const WORKFLOW_TRACING_MODULES: readonly string[] = [
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** Runs inside the RunActivity span: labels it with the call the activity works for. */
class ActivityAttributesInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: ActivityContext) {}

  execute: ActivityInboundCallsInterceptor['execute'] = (input, next) => {
    const workflowId = this.ctx.info.workflowExecution?.workflowId;
    if (workflowId) trace.getActiveSpan()?.setAttributes(workflowAttributes(workflowId));
    return next(input);
  };
}

/**
 * Workflow spans leave the sandbox through this sink. The CallSid is added here, from the
 * workflow id in the sink's WorkflowInfo, so workflow code stays untouched; sinks are not called
 * on replay, so a replayed workflow task exports nothing twice.
 */
function workflowExporter(tracing: Tracing): InjectedSinks<{
  exporter: OpenTelemetryWorkflowExporter;
}> {
  const inner = makeWorkflowExporter(tracing.processor, tracing.resource);
  return {
    exporter: {
      export: {
        fn: (info, spans: SerializableSpan[]) => {
          const extra = workflowAttributes(info.workflowId);
          return inner.export.fn(
            info,
            spans.map((span) => ({ ...span, attributes: { ...span.attributes, ...extra } })),
          );
        },
      },
    },
  };
}

/**
 * What a worker adds for tracing: workflow interceptors (bundled from WORKFLOW_TRACING_MODULES),
 * activity interceptors and the span sink. Nothing when tracing is off.
 */
export function tracingWorkerOptions(
  tracing: Tracing | undefined,
  { prebuiltBundle }: { prebuiltBundle: boolean },
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!tracing) return {};
  const options = { tracer: tracing.tracer };
  return {
    interceptors: {
      // The SDK ignores (and warns about) these beside a prebuilt bundle, which names them itself.
      ...(prebuiltBundle ? {} : { workflowModules: [...WORKFLOW_TRACING_MODULES] }),
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, options),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
        (ctx) => ({ inbound: new ActivityAttributesInterceptor(ctx) }),
      ],
    },
    sinks: workflowExporter(tracing),
  };
}
