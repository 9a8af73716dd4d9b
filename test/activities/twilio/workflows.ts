// Test-only workflows over the Twilio REST activities, bundled by rest-worker.test.ts.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { twilioActivities } from '../../../workflows/shared/twilio-rest';

export interface BurstInput {
  taskQueue: string;
  messages: number;
  lookups: number;
  to: string;
  from: string;
}

/** Several REST activities at once: the task queue's rate cap decides when each one starts. */
export async function restBurstWorkflow(input: BurstInput): Promise<number> {
  const twilio = twilioActivities(input.taskQueue);
  const sends = Array.from({ length: input.messages }, (_, i) =>
    twilio.sendMessage({ to: input.to, from: input.from, body: `burst ${i}` }),
  );
  const lookups = Array.from({ length: input.lookups }, () =>
    twilio.findCalls({ to: input.to, createdAfter: '2020-01-01T00:00:00Z' }),
  );
  const done = await Promise.all([...sends, ...lookups]);
  return done.length;
}

export type CallOutcome =
  | { outcome: 'created'; callSid: string }
  | { outcome: 'failed'; type: string | null; code: unknown };

/** One call create, reporting a Twilio failure instead of failing the workflow. */
export async function createCallWorkflow(input: {
  taskQueue: string;
  to: string;
  from: string;
}): Promise<CallOutcome> {
  const twilio = twilioActivities(input.taskQueue);
  try {
    const call = await twilio.createCall({ to: input.to, from: input.from, twiml: '<Response/>' });
    return { outcome: 'created', callSid: call.sid };
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
      const details = err.cause.details?.[0] as { code?: unknown } | undefined;
      return { outcome: 'failed', type: err.cause.type ?? null, code: details?.code };
    }
    throw err;
  }
}
