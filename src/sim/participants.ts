import type { StatusCallbackConfig } from './call-leg';
import { amdResult, canceledByRest, sendAmdCallback, track } from './calls';
import {
  ConferenceRoom,
  newParticipant,
  type ConferenceEvents,
  type JoinOptions,
} from './conference-room';
import type { SimCore } from './core';
import { runLeg, takeInterrupt } from './interpreter';
import { createLeg, ring } from './legs';
import type { ParticipantRecord } from './model';
import { optional } from './optional';
import { Transcript } from './transcript';
import type { HttpMethod } from './webhook-client';

export interface ParticipantParams {
  from: string;
  to: string;
  timeoutSec: number;
  statusCallback?: StatusCallbackConfig;
  join: JoinOptions;
  /** `MachineDetection` on a participant is always asynchronous: AnsweredBy goes to the AMD callback. */
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  amdStatusCallback?: string;
  amdStatusCallbackMethod?: HttpMethod;
  /** The BYOC trunk (BY sid) the call leaves through instead of Twilio's carriers. */
  byoc?: string;
  /** SIP digest credentials for a `sip:` To. */
  sipAuth?: { username: string; password: string };
  callerId?: string;
}

/**
 * REST `Participants.create`: dials `To` and puts the answered call into the conference. The
 * participant is listed while it rings (queued → ringing); if the party is busy, does not answer
 * or cannot be reached, Twilio removes it and reports participant-leave with
 * ReasonParticipantLeft=participant_add_failed and ParticipantCallStatus busy/no-answer/failed.
 */
export function dialParticipant(
  core: SimCore,
  room: ConferenceRoom,
  p: ParticipantParams,
): ParticipantRecord {
  const script = core.partyFor(p.to);
  const leg = createLeg(core, {
    to: p.to,
    from: p.callerId ?? p.from,
    direction: 'outbound-api',
    script,
    transcript: new Transcript(),
    options: {
      ...optional('statusCallback', p.statusCallback),
      ...optional('byoc', p.byoc),
      ...optional('sipAuth', p.sipAuth),
    },
  });
  const participant = newParticipant(room.record.sid, leg.sid, p.join, core.now());
  core.store.putParticipant(participant);
  const events: ConferenceEvents | undefined = p.join.statusCallback;
  void track(core, leg, async () => {
    await new Promise((r) => setImmediate(r));
    if (canceledByRest(leg)) return removed();
    participant.status = 'ringing';
    const answered = await ring(leg, p.timeoutSec);
    if (canceledByRest(leg)) return removed();
    if (!answered) {
      room.addFailed(leg, participant, events);
      return;
    }
    leg.answer();
    if (p.machineDetection) {
      leg.record.answeredBy = amdResult(script, p.machineDetection);
      if (p.amdStatusCallback)
        sendAmdCallback(core, leg, p.amdStatusCallback, p.amdStatusCallbackMethod);
    }
    // The conference may have ended while the party rang: Twilio starts a new one of that name.
    const target = room.ended ? ConferenceRoom.named(core, room.record.friendlyName) : room;
    const stayMs = Math.min(script.conferenceStayMs ?? core.maxConferenceMs, core.maxConferenceMs);
    const reason = await target.join(leg, p.join, stayMs, participant);
    if (reason === 'interrupted') {
      const next = takeInterrupt(leg);
      if (next) await runLeg(core, leg, next);
      return;
    }
    leg.note({ type: 'hangup', by: reason === 'stay-elapsed' ? 'caller' : 'conference' });
    leg.finish('completed');
  });
  function removed(): void {
    core.store.deleteParticipant(participant.conferenceSid, participant.callSid);
  }
  return participant;
}
