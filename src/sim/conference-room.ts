import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import { rfc2822 } from './dates';
import type { ConferenceRecord, ParticipantRecord, RecordingRecord } from './model';
import { completeRecording, openRecording, type RecordingCallbackConfig } from './recordings';
import type { HttpMethod } from './webhook-client';

export interface ConferenceEvents {
  url: string;
  method: HttpMethod;
  /** TwiML tokens: start end join leave mute hold modify. */
  events: ReadonlySet<string>;
}

export interface JoinOptions {
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  muted: boolean;
  beep: boolean;
  coaching: boolean;
  callSidToCoach: string | null;
  label: string | null;
  statusCallback?: ConferenceEvents;
  record: boolean;
  recordingCallback?: RecordingCallbackConfig;
}

export type LeaveReason = 'hangup' | 'kicked' | 'ended' | 'interrupted' | 'stay-elapsed';

interface Member {
  leg: CallLeg;
  participant: ParticipantRecord;
  kicked: boolean;
}

const TOKEN_OF: Record<string, string> = {
  'conference-start': 'start',
  'conference-end': 'end',
  'participant-join': 'join',
  'participant-leave': 'leave',
  'participant-mute': 'mute',
  'participant-unmute': 'mute',
  'participant-hold': 'hold',
  'participant-unhold': 'hold',
  'participant-modify': 'modify',
};

/** A live conference: members wait in it in real time until they leave, are kicked, or it ends. */
export class ConferenceRoom {
  private readonly members = new Map<string, Member>();
  private events: ConferenceEvents | undefined;
  private sequence = 0;
  private recording: RecordingRecord | undefined;
  private recordingStartedAt = 0;

  private constructor(
    private readonly core: SimCore,
    readonly record: ConferenceRecord,
  ) {}

  /** Twilio creates a conference when the first participant joins a name that is not active. */
  static named(core: SimCore, name: string): ConferenceRoom {
    const existing = core.store.activeConferenceByName(name);
    if (existing) {
      const room = core.rooms.get(existing.sid);
      if (room) return room;
    }
    const now = core.now();
    const record: ConferenceRecord = {
      sid: core.newSid('CF'),
      friendlyName: name,
      status: 'init',
      dateCreated: now,
      dateUpdated: now,
      reasonConferenceEnded: null,
      callSidEndingConference: null,
    };
    core.store.conferences.set(record.sid, record);
    const room = new ConferenceRoom(core, record);
    core.rooms.set(record.sid, room);
    return room;
  }

  get ended(): boolean {
    return this.record.status === 'completed';
  }

  member(callSid: string): Member | undefined {
    return this.members.get(callSid);
  }

  allMembers(): Member[] {
    return [...this.members.values()];
  }

  /** Joins and stays until the party leaves; resolves with why it left. */
  async join(leg: CallLeg, opts: JoinOptions, stayMs: number): Promise<LeaveReason> {
    const now = leg.now();
    const participant: ParticipantRecord = {
      callSid: leg.sid,
      conferenceSid: this.record.sid,
      label: opts.label,
      status: 'connected',
      muted: opts.muted,
      hold: false,
      coaching: opts.coaching,
      callSidToCoach: opts.callSidToCoach,
      startConferenceOnEnter: opts.startConferenceOnEnter,
      endConferenceOnExit: opts.endConferenceOnExit,
      holdUrl: null,
      dateCreated: now,
      dateUpdated: now,
    };
    this.core.store.putParticipant(participant);
    const member: Member = { leg, participant, kicked: false };
    this.members.set(leg.sid, member);
    // Twilio keeps the statusCallback of the first participant that brings one.
    if (!this.events && opts.statusCallback) this.events = opts.statusCallback;
    if (opts.beep) leg.note({ type: 'beep' });
    this.note(leg, 'participant-join');
    this.emit('participant-join', leg, participant);
    if (opts.startConferenceOnEnter && this.record.status === 'init') this.start(leg, opts);

    const stayUntil = Date.now() + stayMs;
    let reason: LeaveReason = 'stay-elapsed';
    for (;;) {
      if (this.ended) reason = 'ended';
      else if (member.kicked) reason = 'kicked';
      else if (leg.pending) reason = 'interrupted';
      else {
        const remaining = stayUntil - Date.now();
        if (remaining <= 0) break;
        const started = Date.now();
        await leg.waitReal(remaining);
        leg.elapsedMs += Date.now() - started;
        continue;
      }
      break;
    }
    this.leave(leg.sid, reason);
    return reason;
  }

  private start(leg: CallLeg, opts: JoinOptions): void {
    this.record.status = 'in-progress';
    this.record.dateUpdated = leg.now();
    this.emit('conference-start', leg);
    if (opts.record) {
      this.recordingStartedAt = Date.now();
      this.recording = openRecording(this.core, leg, {
        source: 'Conference',
        callSid: leg.sid,
        conferenceSid: this.record.sid,
        ...(opts.recordingCallback ? { callback: opts.recordingCallback } : {}),
      });
    }
  }

  private leave(callSid: string, reason: LeaveReason): void {
    const member = this.members.get(callSid);
    if (!member) return;
    this.members.delete(callSid);
    const p = member.participant;
    p.status = 'complete';
    p.dateUpdated = member.leg.now();
    this.core.store.deleteParticipant(p.conferenceSid, p.callSid);
    this.note(member.leg, 'participant-leave');
    const why =
      reason === 'ended'
        ? 'conference_ended'
        : reason === 'kicked' || reason === 'interrupted'
          ? 'participant_updated_via_api'
          : 'participant_hung_up';
    this.emit('participant-leave', member.leg, p, {
      ParticipantCallStatus: reason === 'interrupted' ? 'in-progress' : 'completed',
      ReasonParticipantLeft: why,
    });
    if (this.ended) return;
    if (p.endConferenceOnExit) {
      this.end(
        reason === 'kicked'
          ? 'participant-with-end-conference-on-exit-kicked'
          : 'participant-with-end-conference-on-exit-left',
        callSid,
        member.leg,
      );
    } else if (this.members.size === 0) {
      this.end(
        reason === 'kicked' ? 'last-participant-kicked' : 'last-participant-left',
        callSid,
        member.leg,
      );
    }
  }

  /** Ends the conference; every member is woken and leaves. */
  end(reason: string, callSidEnding: string | null, leg?: CallLeg): void {
    if (this.ended) return;
    const r = this.record;
    r.status = 'completed';
    r.reasonConferenceEnded = reason;
    r.callSidEndingConference = callSidEnding;
    r.dateUpdated = this.core.now();
    const anyLeg = leg ?? this.allMembers()[0]?.leg;
    this.emit('conference-end', anyLeg, undefined, {
      ReasonConferenceEnded: reason,
      ...(callSidEnding ? { CallSidEndingConference: callSidEnding } : {}),
    });
    const rec = this.recording;
    if (rec) {
      this.recording = undefined;
      const seconds = (Date.now() - this.recordingStartedAt) / 1000;
      this.core.callbacks.track(
        completeRecording(this.core, anyLeg, rec, `conference ${r.friendlyName}`, seconds),
      );
    }
    for (const m of this.members.values()) m.leg.wake();
    this.core.rooms.delete(r.sid);
    this.core.callbacks.release(r.sid);
  }

  kick(callSid: string): boolean {
    const m = this.members.get(callSid);
    if (!m) return false;
    m.kicked = true;
    m.leg.wake();
    return true;
  }

  /** Applies a REST participant update and reports mute/hold/coaching changes as events. */
  update(
    callSid: string,
    change: Partial<
      Pick<
        ParticipantRecord,
        'muted' | 'hold' | 'holdUrl' | 'coaching' | 'callSidToCoach' | 'endConferenceOnExit'
      >
    >,
  ): ParticipantRecord | undefined {
    const m = this.members.get(callSid);
    if (!m) return undefined;
    const p = m.participant;
    const before = { ...p };
    Object.assign(p, change);
    p.dateUpdated = m.leg.now();
    if (change.muted !== undefined && change.muted !== before.muted) {
      this.note(m.leg, p.muted ? 'participant-mute' : 'participant-unmute');
      this.emit(p.muted ? 'participant-mute' : 'participant-unmute', m.leg, p);
    }
    if (change.hold !== undefined && change.hold !== before.hold) {
      this.note(m.leg, p.hold ? 'participant-hold' : 'participant-unhold');
      this.emit(p.hold ? 'participant-hold' : 'participant-unhold', m.leg, p);
    }
    if (
      (change.coaching !== undefined && change.coaching !== before.coaching) ||
      (change.callSidToCoach !== undefined && change.callSidToCoach !== before.callSidToCoach)
    ) {
      this.note(m.leg, 'participant-modify');
      this.emit('participant-modify', m.leg, p);
    }
    return p;
  }

  private note(leg: CallLeg, event: string): void {
    leg.note({
      type: 'conference',
      name: this.record.friendlyName,
      conferenceSid: this.record.sid,
      event,
    });
  }

  private emit(
    event: string,
    leg: CallLeg | undefined,
    p?: ParticipantRecord,
    extra: Record<string, string> = {},
  ): void {
    const cfg = this.events;
    const token = TOKEN_OF[event];
    if (!cfg || !token || !cfg.events.has(token)) return;
    const sequenceNumber = this.sequence++;
    const params: Record<string, string> = {
      AccountSid: this.core.accountSid,
      ConferenceSid: this.record.sid,
      FriendlyName: this.record.friendlyName,
      StatusCallbackEvent: event,
      SequenceNumber: String(sequenceNumber),
      Timestamp: rfc2822(leg?.now() ?? this.core.now()),
      ...extra,
    };
    if (p) {
      params.CallSid = p.callSid;
      params.Muted = String(p.muted);
      params.Hold = String(p.hold);
      params.Coaching = String(p.coaching);
      params.EndConferenceOnExit = String(p.endConferenceOnExit);
      params.StartConferenceOnEnter = String(p.startConferenceOnEnter);
      if (p.callSidToCoach) params.CallSidToCoach = p.callSidToCoach;
      if (p.label) params.ParticipantLabel = p.label;
    }
    this.core.callbacks.send({
      kind: 'conference',
      event,
      url: cfg.url,
      method: cfg.method,
      params,
      group: this.record.sid,
      callSid: p?.callSid ?? leg?.sid ?? '',
      at: leg?.elapsedMs ?? 0,
      sequenceNumber,
      ...(leg ? { transcript: leg.transcript } : {}),
      ...(leg?.callbackFaults ? { faults: leg.callbackFaults } : {}),
    });
  }
}
