import { advanceIvr, startIvr, stepId, type IvrOutcome, type IvrState } from '../ivr/engine';
import type { IvrDefinition } from '../ivr/types';
import type { WebhookRequest } from './definitions';

/**
 * What a webhook means for a call whose IVR is at `state`: start it, advance it, or re-serve
 * where the caller is (a repeated first request, a fallback redirect, a stale or replayed action).
 * The call workflow's update handler, its journal replay and the journal-mode webhook server all
 * decide through this one function, so the caller and the workflow can never disagree.
 */
export type Decision =
  { kind: 'start' | 'advance'; outcome: IvrOutcome } | { kind: 'reserve'; state: IvrState };

export function decide(
  ivr: IvrDefinition,
  state: IvrState | undefined,
  request: WebhookRequest,
  now: Date,
): Decision {
  if (!state) return { kind: 'start', outcome: startIvr(ivr, now) };
  const fresh =
    request.kind !== 'inbound' &&
    request.kind !== 'resume' &&
    request.step === stepId(state) &&
    !state.ended;
  if (!fresh) return { kind: 'reserve', state };
  return { kind: 'advance', outcome: advanceIvr(ivr, state, request, now) };
}
