import type { CallStep } from './definitions';
import type { IvrState } from '../ivr/engine';

/** What a journaled step means for a call whose IVR is at `state` (undefined: not started). */
export type StepPlace = 'apply' | 'stale' | 'wait';

/**
 * Steps reach the workflow as signals in any order (each is delivered as soon as it is answered,
 * and retried by the relay), but the caller heard them in IVR order. A step applies when it was
 * decided from exactly the state the workflow is in; an older one is a retry already applied; a
 * newer one waits for the steps before it, which were journaled before it could exist.
 */
export function placeOf(step: CallStep, state: IvrState | undefined): StepPlace {
  if (step.request.kind === 'inbound') return state ? 'stale' : 'apply';
  if (!step.before) return 'stale';
  if (!state) return 'wait';
  if (step.before.seq < state.seq || (step.before.seq === state.seq && state.ended)) return 'stale';
  return step.before.seq === state.seq ? 'apply' : 'wait';
}

/** Removes and returns the next step that can be decided on, with its place, or undefined. */
export function nextStep(
  waiting: CallStep[],
  state: IvrState | undefined,
): { step: CallStep; place: Exclude<StepPlace, 'wait'> } | undefined {
  for (const [i, step] of waiting.entries()) {
    const place = placeOf(step, state);
    if (place === 'wait') continue;
    waiting.splice(i, 1);
    return { step, place };
  }
  return undefined;
}
