import {
  allHandlersFinished,
  condition,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { ParticipantCallSidsKey } from '../shared/search-attributes';
import { ConferenceActions } from './actions';
import {
  conferenceCallbacksSignal,
  conferenceSnapshotQuery,
  moderateUpdate,
  superviseUpdate,
  transferUpdate,
  type ConferenceInput,
  type ConferenceSnapshot,
  type ModerationRequest,
  type SupervisionRequest,
  type TransferRequest,
} from './definitions';
import { checkModeration, checkSupervision } from './requests';
import { ConferenceState } from './state';
import { isActive } from './transfer';

/** Twilio ends every call after 4 hours, so no conference outlives that. */
const MAX_CONFERENCE_MS = 4 * 60 * 60 * 1000;
/** How long a customer being moved in has to show up in the conference. */
const JOIN_WAIT = '2 minutes';

/**
 * One conference, `conference-{name}`: keeps the participant list from Twilio's callbacks, dials
 * the agent, runs warm transfers with their compensation, and carries out supervision and
 * moderation requests (updates). It closes when Twilio reports the conference ended.
 */
export async function conferenceWorkflow(input: ConferenceInput): Promise<ConferenceSnapshot> {
  const state = new ConferenceState(input);
  const act = new ConferenceActions(state);

  setHandler(conferenceCallbacksSignal, (callbacks) => state.onCallbacks(callbacks));
  setHandler(conferenceSnapshotQuery, () => state.snapshot());
  setHandler(
    transferUpdate,
    (request: TransferRequest) => {
      const agent = state.agentHere();
      if (!agent) throw new Error('no agent is in the conference');
      return act.transfer(state.beginTransfer(request, agent.callSid, Date.now()), request);
    },
    {
      validator: (request: TransferRequest) => {
        const refusal = state.transferRefusal(request);
        if (refusal) throw new Error(refusal);
      },
    },
  );
  setHandler(moderateUpdate, (req) => act.moderate(req), {
    validator: (req: ModerationRequest) => checkModeration(state, req),
  });
  setHandler(superviseUpdate, (req) => act.supervise(req), {
    validator: (req: SupervisionRequest) => checkSupervision(state, req),
  });

  if (input.customerCallSid !== undefined && !input.customerJoinsItself) {
    try {
      await act.moveCustomer(input.customerCallSid);
    } catch (err) {
      // The call has ended, or Twilio refused it: there is no conference to run.
      await act.audit('move-customer-failed', input.by, undefined, { error: String(err) });
      return state.snapshot();
    }
  }
  await condition(() => state.customerHere || state.customerGone || state.ended, JOIN_WAIT);
  if (!state.customerHere && state.conferenceSid === null) {
    await act.audit('customer-never-joined', input.by);
    return state.snapshot();
  }
  if (state.customerHere && input.agent !== undefined) {
    await act.dial(input.agent, state.nextLabel('agent'));
  }

  const closeAt = Date.now() + MAX_CONFERENCE_MS;
  let listed = '';
  let pendingTransfer = input.transferTo;
  while (!state.ended && Date.now() < closeAt) {
    const sids = state.callSids();
    if (sids.join(',') !== listed) {
      listed = sids.join(',');
      upsertSearchAttributes([{ key: ParticipantCallSidsKey, value: sids }]);
    }
    const step = state.transferStep(Date.now());
    const t = state.transfer;
    if (step.kind !== 'wait' && t && isActive(t)) {
      const target = t.targetCallSid ? state.roster.participants[t.targetCallSid] : undefined;
      if (step.kind !== 'complete' && target?.status === 'dialing')
        await act.cancel(target.callSid);
      if (step.kind === 'complete' || step.kind === 'return-to-agent') {
        await act.release(state.customerCallSid as string);
      }
      const now = Date.now();
      if (step.kind === 'complete') state.finishTransfer(t, 'completed', 'agent-left', now);
      else if (step.kind === 'return-to-agent')
        state.finishTransfer(t, 'returned-to-agent', step.reason, now);
      else if (step.kind === 'voicemail') state.finishTransfer(t, 'voicemail', step.reason, now);
      else state.finishTransfer(t, 'abandoned', 'customer-left', now);
      await act.audit(
        `transfer-${t.phase}`,
        t.by,
        { label: t.targetLabel, callSid: t.targetCallSid },
        {
          outcome: t.outcome,
        },
      );
      continue;
    }
    if (state.needsVoicemail || (t?.phase === 'voicemail' && !state.voicemail)) {
      await act.voicemail(t?.phase === 'voicemail' ? (t.outcome ?? 'transfer-failed') : 'no-agent');
      continue;
    }
    if (
      pendingTransfer !== undefined &&
      state.transferRefusal({ to: pendingTransfer, by: input.by }) === undefined
    ) {
      const request = { to: pendingTransfer, by: input.by };
      pendingTransfer = undefined;
      const agent = state.agentHere();
      if (agent)
        await act.transfer(state.beginTransfer(request, agent.callSid, Date.now()), request);
      continue;
    }
    const seen = state.version;
    const wakeAt = isActive(t) ? Math.min(Date.parse(t.deadline) + 1000, closeAt) : closeAt;
    await condition(() => state.version !== seen || state.ended, Math.max(1, wakeAt - Date.now()));
  }
  // Legs still ringing would join an empty, ended conference.
  for (const p of state.ringing()) await act.cancel(p.callSid);
  await condition(allHandlersFinished);
  return state.snapshot();
}
