import {
  MODERATION_ACTIONS,
  SUPERVISION_MODES,
  type ModerationRequest,
  type SupervisionRequest,
} from './definitions';
import type { ConferenceState } from './state';

/**
 * Update validators: a request the conference cannot carry out is refused before it reaches
 * history, with a message the CLI prints as it is.
 */

function checkLive(state: ConferenceState, by: unknown): void {
  if (typeof by !== 'string' || by.trim() === '') throw new Error('who is asking (by) is required');
  if (state.ended) throw new Error('the conference has ended');
  if (state.conferenceSid === null) throw new Error('the conference has not started yet');
}

export function checkModeration(state: ConferenceState, req: ModerationRequest): void {
  if (!MODERATION_ACTIONS.includes(req.action)) {
    throw new Error(
      `unknown action "${String(req.action)}"; one of ${MODERATION_ACTIONS.join(', ')}`,
    );
  }
  checkLive(state, req.by);
  if (req.action === 'end') return;
  const p = state.participant(req.participant ?? '');
  if (!p) throw new Error(`no participant "${req.participant ?? ''}" (give a label or a CallSid)`);
  if (p.status !== 'joined')
    throw new Error(`${p.label ?? p.callSid} is not in the conference (${p.status})`);
}

export function checkSupervision(state: ConferenceState, req: SupervisionRequest): void {
  if (!SUPERVISION_MODES.includes(req.mode)) {
    throw new Error(`unknown mode "${String(req.mode)}"; one of ${SUPERVISION_MODES.join(', ')}`);
  }
  checkLive(state, req.by);
  if (typeof req.supervisor !== 'string' || req.supervisor === '') {
    throw new Error('the supervisor address is required');
  }
  if (req.mode !== 'coach') return;
  const agent = state.participant(req.agent ?? '');
  if (!agent || !(agent.label ?? '').startsWith('agent-') || agent.status !== 'joined') {
    throw new Error(`no agent "${req.agent ?? ''}" in the conference to coach`);
  }
}
