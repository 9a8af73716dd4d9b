import { trace } from '@opentelemetry/api';
import type { ClientInterceptors, WorkflowClientInterceptor } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './sdk';
import { workflowAttributes } from './attributes';

const label = (workflowId: string): void => {
  trace.getActiveSpan()?.setAttributes(workflowAttributes(workflowId));
};

/**
 * Runs inside the OpenTelemetry client span (it comes after it in the chain): labels the span
 * with the call the start, update or signal is for.
 */
const attributesInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => {
    label(input.options.workflowId);
    return next(input);
  },
  signal: (input, next) => {
    label(input.workflowExecution.workflowId);
    return next(input);
  },
  signalWithStart: (input, next) => {
    label(input.options.workflowId);
    return next(input);
  },
  startUpdate: (input, next) => {
    label(input.workflowExecution.workflowId);
    return next(input);
  },
  startUpdateWithStart: (input, next) => {
    label(input.workflowStartOptions.workflowId);
    return next(input);
  },
};

/**
 * Client interceptors that open a span per start, update and signal and put it into the request's
 * Temporal headers, so the workflow's spans continue the caller's trace. None when tracing is off.
 */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors {
  if (!tracing) return {};
  return {
    workflow: [
      new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer }),
      attributesInterceptor,
    ],
  };
}
