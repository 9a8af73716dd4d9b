import { sleep } from '@temporalio/workflow';
import { callWorkflow as current } from '../../../workflows/call/workflow';
import type { CallInput, CallSnapshot } from '../../../workflows/call/definitions';

/** A deliberately incompatible change (a new timer before anything else) that replay must reject. */
export async function callWorkflow(input: CallInput): Promise<CallSnapshot> {
  await sleep('1 second');
  return current(input);
}
