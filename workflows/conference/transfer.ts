import type { ParticipantView, Roster } from './roster';

/**
 * A warm transfer as a saga: the customer is held (hold music), agent B is dialed in, A and B talk,
 * A leaves and B stays. Each step has its compensation, chosen here from the participant list
 * alone, so a worker that restarts mid-transfer decides exactly as the one that died.
 */

export type TransferPhase =
  | 'holding'
  | 'ringing'
  | 'consulting'
  | 'completed'
  | 'returned-to-agent'
  | 'voicemail'
  | 'abandoned';

export const FINISHED_PHASES: readonly TransferPhase[] = [
  'completed',
  'returned-to-agent',
  'voicemail',
  'abandoned',
];

export interface TransferView {
  id: number;
  /** Agent B's address. */
  to: string;
  /** Agent A's CallSid: the agent who asked for the transfer. */
  fromCallSid: string;
  /** Label B is dialed with (`agent-2`). */
  targetLabel: string;
  targetCallSid: string | null;
  phase: TransferPhase;
  by: string;
  startedAt: string;
  /** After this instant a B still ringing counts as not answering (a lost callback cannot stall). */
  deadline: string;
  endedAt: string | null;
  /** Why it ended as it did: B's final call status, `agent-left`, … */
  outcome: string | null;
}

export type TransferStep =
  /** Nothing to do until the next callback (or the deadline). */
  | { kind: 'wait' }
  /** B is in and A has left: take the customer off hold, B stays with them. */
  | { kind: 'complete' }
  /** B did not answer, declined or hung up while A is still there: back to A. */
  | { kind: 'return-to-agent'; reason: string }
  /** B failed and A has left too: the customer must not be left alone, so voicemail. */
  | { kind: 'voicemail'; reason: string }
  /** The customer has gone: stop ringing B. */
  | { kind: 'abandon' };

export function isActive(t: TransferView | undefined): t is TransferView {
  return t !== undefined && !FINISHED_PHASES.includes(t.phase);
}

const inConference = (p: ParticipantView | undefined): boolean => p?.status === 'joined';

/** The next step of a transfer whose B has been dialed; `now` is workflow time. */
export function nextTransferStep(
  t: TransferView,
  roster: Roster,
  customerCallSid: string,
  now: number,
): TransferStep {
  if (t.phase === 'holding' || isFinishedPhase(t.phase)) return { kind: 'wait' };
  if (!inConference(roster.participants[customerCallSid])) return { kind: 'abandon' };
  const agentHere = inConference(roster.participants[t.fromCallSid]);
  const target = t.targetCallSid === null ? undefined : roster.participants[t.targetCallSid];
  const failure = targetFailure(target, now >= Date.parse(t.deadline));
  if (failure !== undefined) {
    return agentHere
      ? { kind: 'return-to-agent', reason: failure }
      : { kind: 'voicemail', reason: failure };
  }
  if (inConference(target) && !agentHere) return { kind: 'complete' };
  return { kind: 'wait' };
}

function isFinishedPhase(phase: TransferPhase): boolean {
  return FINISHED_PHASES.includes(phase);
}

/** Why B will not take the customer, or undefined while B may still. */
function targetFailure(
  target: ParticipantView | undefined,
  pastDeadline: boolean,
): string | undefined {
  if (target === undefined) return 'not-dialed';
  if (target.status === 'failed') return target.callStatus ?? target.reason ?? 'failed';
  // B answered and hung up during the consultation: a decline.
  if (target.status === 'left') return target.reason ?? 'left';
  if (target.status === 'dialing' && pastDeadline) return 'no-answer';
  return undefined;
}

/**
 * Whether the customer sits in the conference with no agent in it or on the way, and no transfer
 * that could still bring one: then voicemail, never an empty room.
 */
export function customerAlone(
  roster: Roster,
  customerCallSid: string,
  transfer: TransferView | undefined,
): boolean {
  if (!inConference(roster.participants[customerCallSid])) return false;
  if (isActive(transfer)) return false;
  return !Object.values(roster.participants).some(
    (p) =>
      (p.label ?? '').startsWith('agent-') && (p.status === 'joined' || p.status === 'dialing'),
  );
}
