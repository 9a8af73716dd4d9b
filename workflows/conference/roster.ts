import { isFinalStatus } from '../shared/call-status';
import type { ConferenceCallback, ConferenceEvent, ParticipantCallEvent } from './definitions';

/**
 * The participant list as conference callbacks describe it. Twilio delivers them at least once and
 * in any order, so each participant keeps the position (SequenceNumber, Timestamp) of the event
 * that last set it: an older event never overwrites a newer one, a duplicate changes nothing, and
 * leaving is final (a participant who left never comes back with the same CallSid).
 */

export type ParticipantStatus = 'dialing' | 'joined' | 'left' | 'failed';

export interface ParticipantView {
  callSid: string;
  label: string | null;
  /** The address the conference dialed; null for a participant that joined by TwiML. */
  address: string | null;
  status: ParticipantStatus;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  speaking: boolean;
  /** Why it left (ReasonParticipantLeft) or how its call ended before joining (CallStatus). */
  reason: string | null;
  /** The leg's final call status, for legs the conference dialed (no-answer, busy, completed…). */
  callStatus: string | null;
  /** Position of the event that last set the flags. */
  sequenceNumber: number;
  timestamp: string | null;
  /** Position of the last speech-start/stop: speaking is ordered on its own events only. */
  speech: { sequenceNumber: number; timestamp: string | null };
}

export interface ConferenceView {
  sid: string | null;
  status: 'waiting' | 'in-progress' | 'ended';
  endedReason: string | null;
}

export interface Roster {
  conference: ConferenceView;
  participants: Record<string, ParticipantView>;
  /** Keys of every callback applied: the dedupe set. */
  seen: string[];
  /**
   * Final call statuses of legs not known yet: a leg that fails at once can report before the
   * Participants create that dialed it has returned its CallSid to the workflow.
   */
  early: Record<string, ParticipantCallEvent>;
}

export function emptyRoster(): Roster {
  return {
    conference: { sid: null, status: 'waiting', endedReason: null },
    participants: {},
    seen: [],
    early: {},
  };
}

const FLAG_EVENTS = new Set([
  'participant-join',
  'participant-mute',
  'participant-unmute',
  'participant-hold',
  'participant-unhold',
  'participant-modify',
  'participant-speech-start',
  'participant-speech-stop',
]);

function timeOf(ts: string | null): number {
  const t = ts === null ? NaN : Date.parse(ts);
  return Number.isNaN(t) ? -1 : t;
}

/** Whether an event at (seq, ts) comes after the position a participant holds. */
export function isLaterPosition(
  seq: number,
  ts: string,
  current: Pick<ParticipantView, 'sequenceNumber' | 'timestamp'>,
): boolean {
  if (seq >= 0 && current.sequenceNumber >= 0) return seq > current.sequenceNumber;
  if (current.timestamp === null) return true;
  return timeOf(ts) > timeOf(current.timestamp);
}

function blank(callSid: string, label: string | null, address: string | null): ParticipantView {
  return {
    callSid,
    label,
    address,
    status: 'dialing',
    muted: false,
    hold: false,
    coaching: false,
    speaking: false,
    reason: null,
    callStatus: null,
    sequenceNumber: -1,
    timestamp: null,
    speech: { sequenceNumber: -1, timestamp: null },
  };
}

/** A leg the conference has just dialed: known before Twilio reports anything about it. */
export function addDialing(roster: Roster, callSid: string, label: string, address: string): void {
  const existing = roster.participants[callSid];
  if (existing) {
    existing.label ??= label;
    existing.address ??= address;
  } else {
    roster.participants[callSid] = blank(callSid, label, address);
  }
  const early = roster.early[callSid];
  if (early) {
    delete roster.early[callSid];
    applyCallStatus(roster, early);
  }
}

function applyParticipantEvent(roster: Roster, e: ConferenceEvent & { callSid: string }): void {
  const p = (roster.participants[e.callSid] ??= blank(e.callSid, e.label ?? null, null));
  if (e.label && !p.label) p.label = e.label;
  if (p.status === 'left' || p.status === 'failed') return;
  if (roster.conference.status === 'ended') {
    // The conference-end overtook this event: the participant is gone with the conference.
    p.status = 'left';
    p.reason = e.event === 'participant-leave' ? (e.reason ?? null) : 'conference_ended';
    return;
  }
  if (e.event === 'participant-leave') {
    // A leg that never reached the conference leaves too, with participant_add_failed.
    p.status = e.reason === 'participant_add_failed' ? 'failed' : 'left';
    p.reason = e.reason ?? null;
    p.speaking = false;
    return;
  }
  if (!FLAG_EVENTS.has(e.event)) return;
  // Any event about a participant means it is in the conference, even one that arrives late.
  p.status = 'joined';
  const speech = e.event === 'participant-speech-start' || e.event === 'participant-speech-stop';
  if (speech && isLaterPosition(e.sequenceNumber, e.timestamp, p.speech)) {
    p.speaking = e.event === 'participant-speech-start';
    p.speech = { sequenceNumber: e.sequenceNumber, timestamp: e.timestamp };
  }
  if (!isLaterPosition(e.sequenceNumber, e.timestamp, p)) return;
  // Every participant event carries the full Muted/Hold/Coaching state at its time.
  if (e.muted !== undefined) p.muted = e.muted;
  if (e.hold !== undefined) p.hold = e.hold;
  if (e.coaching !== undefined) p.coaching = e.coaching;
  p.sequenceNumber = e.sequenceNumber;
  p.timestamp = e.timestamp;
}

function applyCallStatus(roster: Roster, e: ParticipantCallEvent): void {
  if (!isFinalStatus(e.callStatus)) return;
  const p = roster.participants[e.callSid];
  if (!p) {
    // Only legs the conference dialed report here: kept until the dial's answer names the leg.
    roster.early[e.callSid] = e;
    return;
  }
  p.callStatus = e.callStatus;
  if (p.status === 'dialing') {
    // Answered legs that ended without a join (or whose join is still in flight) are told apart
    // by Twilio's final status: only `completed` means the party picked up.
    p.status = e.callStatus === 'completed' ? 'left' : 'failed';
    p.reason = e.callStatus;
  } else if (p.status === 'joined') {
    p.status = 'left';
    p.reason ??= 'participant_hung_up';
  }
}

/** Applies one callback; false when it was a duplicate and changed nothing. */
export function applyCallback(roster: Roster, cb: ConferenceCallback): boolean {
  if (roster.seen.includes(cb.key)) return false;
  roster.seen.push(cb.key);
  if (cb.kind === 'call-status') {
    applyCallStatus(roster, cb);
    return true;
  }
  roster.conference.sid ??= cb.conferenceSid;
  if (cb.event === 'conference-start') {
    if (roster.conference.status === 'waiting') roster.conference.status = 'in-progress';
  } else if (cb.event === 'conference-end') {
    roster.conference.status = 'ended';
    roster.conference.endedReason = cb.reason ?? null;
    // Twilio ends every leg with the conference; a leave reported later changes nothing.
    for (const p of Object.values(roster.participants)) {
      if (p.status === 'joined') {
        p.status = 'left';
        p.reason = 'conference_ended';
      }
    }
  } else if (cb.callSid !== undefined) {
    applyParticipantEvent(roster, { ...cb, callSid: cb.callSid });
  }
  return true;
}

/** Participants with this label prefix (`agent-`) in the conference now. */
export function present(roster: Roster, prefix: string): ParticipantView[] {
  return Object.values(roster.participants).filter(
    (p) => p.status === 'joined' && (p.label ?? '').startsWith(prefix),
  );
}

/** A participant by label or CallSid. */
export function findParticipant(roster: Roster, ref: string): ParticipantView | undefined {
  return (
    roster.participants[ref] ?? Object.values(roster.participants).find((p) => p.label === ref)
  );
}
