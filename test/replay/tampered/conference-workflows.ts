import { sleep } from '@temporalio/workflow';
import type {
  ConferenceInput,
  ConferenceSnapshot,
} from '../../../workflows/conference/definitions';
import { conferenceWorkflow as current } from '../../../workflows/conference/workflow';

/** A deliberately incompatible change (a new timer before anything else) that replay must reject. */
export async function conferenceWorkflow(input: ConferenceInput): Promise<ConferenceSnapshot> {
  await sleep('1 second');
  return current(input);
}
