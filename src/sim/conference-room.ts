import type { CallLeg } from './call-leg';
import { ConferenceEventSink, type ConferenceEvents } from './conference-events';
import type { SimCore } from './core';
import type { BeepMode, ConferenceRecord, ParticipantRecord, RecordingRecord } from './model';
import { completeRecording, openRecording, type RecordingCallbackConfig } from './recordings';

export type { ConferenceEvents } from './conference-events';

export interface JoinOptions {
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  muted: boolean;
  beep: BeepMode;
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

/** Twilio's ReasonParticipantLeft for each way the simulator's participants leave. */
const REASON_LEFT: Record<LeaveReason, string> = {
  ended: 'conference_ended_via_api',
  kicked: 'participant_updated_via_api',
  interrupted: 'participant_updated_via_api',
  hangup: 'participant_hung_up',
  'stay-elapsed': 'participant_hung_up',
};

/** Twilio's `beep` values; anything else is not one (undefined). */
export function beepMode(raw: string | undefined): BeepMode | undefined {
  return raw === 'true' || raw === 'false' || raw === 'onEnter' || raw === 'onExit'
    ? raw
    : undefined;
}

export function newParticipant(
  conferenceSid: string,
  callSid: string,
  opts: JoinOptions,
  now: Date,
): ParticipantRecord {
  return {
    callSid,
    conferenceSid,
    label: opts.label,
    status: 'queued',
    muted: opts.muted,
    hold: false,
    coaching: opts.coaching,
    callSidToCoach: opts.callSidToCoach,
    startConferenceOnEnter: opts.startConferenceOnEnter,
    endConferenceOnExit: opts.endConferenceOnExit,
    holdUrl: null,
    holdMusic: null,
    beep: opts.beep,
    dateCreated: now,
    dateUpdated: now,
  };
}

/** A live conference: members wait in it in real time until they leave, are kicked, or it ends. */
export class ConferenceRoom {
  private readonly members = new Map<string, Member>();
  readonly events: ConferenceEventSink;
  private recording: RecordingRecord | undefined;
  private recordingStartedAt = 0;
  /** Why the conference is ending, so members woken by the end leave with the right reason. */
  private endedBy: 'api' | 'moderator' | 'last' = 'last';

  private constructor(
    private readonly core: SimCore,
    readonly record: ConferenceRecord,
  ) {
    this.events = new ConferenceEventSink(core, record);
  }

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

  /**
   * Whose voices reach `callSid`: members who are not muted, not held and not coaching someone
   * else (a coach is heard only by the participant it coaches). A held member hears only its
   * hold music, so nobody.
   */
  audibleTo(callSid: string): string[] {
    const listener = this.members.get(callSid);
    if (!listener || listener.participant.hold || this.record.status !== 'in-progress') return [];
    return this.allMembers()
      .map((m) => m.participant)
      .filter(
        (p) =>
          p.callSid !== callSid &&
          !p.muted &&
          !p.hold &&
          (!p.coaching || p.callSidToCoach === callSid),
      )
      .map((p) => p.callSid);
  }

  /** Joins and stays until the party leaves; resolves with why it left. */
  async join(
    leg: CallLeg,
    opts: JoinOptions,
    stayMs: number,
    existing?: ParticipantRecord,
  ): Promise<LeaveReason> {
    const participant = existing ?? newParticipant(this.record.sid, leg.sid, opts, leg.now());
    participant.conferenceSid = this.record.sid;
    participant.status = 'connected';
    participant.dateUpdated = leg.now();
    this.core.store.putParticipant(participant);
    const member: Member = { leg, participant, kicked: false };
    this.members.set(leg.sid, member);
    this.events.adopt(opts.statusCallback);
    if (opts.beep === 'true' || opts.beep === 'onEnter') this.beep();
    this.note(leg, 'participant-join');
    this.events.emit('participant-join', leg, participant);
    if (opts.startConferenceOnEnter && this.record.status === 'init') this.start(leg, opts);
    this.scheduleSpeech(member);

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

  /** A participant dialed through the REST API who never answered: Twilio reports it as leaving. */
  addFailed(leg: CallLeg, p: ParticipantRecord, events: ConferenceEvents | undefined): void {
    p.status = 'failed';
    p.dateUpdated = leg.now();
    this.core.store.deleteParticipant(p.conferenceSid, p.callSid);
    this.events.adopt(events);
    this.events.emit('participant-leave', leg, p, {
      ParticipantCallStatus: leg.record.status,
      ReasonParticipantLeft: 'participant_add_failed',
    });
  }

  private start(leg: CallLeg, opts: JoinOptions): void {
    this.record.status = 'in-progress';
    this.record.dateUpdated = leg.now();
    this.events.emit('conference-start', leg);
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
      reason === 'ended' && this.endedBy === 'moderator'
        ? 'moderator_ended_conference'
        : REASON_LEFT[reason];
    this.events.emit('participant-leave', member.leg, p, {
      ParticipantCallStatus: reason === 'interrupted' ? 'in-progress' : 'completed',
      ReasonParticipantLeft: why,
    });
    if (this.ended) return;
    if (p.beep === 'true' || p.beep === 'onExit') this.beep();
    if (p.endConferenceOnExit) {
      this.endedBy = 'moderator';
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
    if (reason === 'conference-ended-via-api') this.endedBy = 'api';
    const r = this.record;
    r.status = 'completed';
    r.reasonConferenceEnded = reason;
    r.callSidEndingConference = callSidEnding;
    r.dateUpdated = this.core.now();
    const anyLeg = leg ?? this.allMembers()[0]?.leg;
    this.events.emit('conference-end', anyLeg, undefined, {
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
        | 'muted'
        | 'hold'
        | 'holdUrl'
        | 'holdMusic'
        | 'coaching'
        | 'callSidToCoach'
        | 'endConferenceOnExit'
      >
    >,
  ): ParticipantRecord | undefined {
    const m = this.members.get(callSid);
    if (!m) return undefined;
    const p = m.participant;
    const before = { ...p };
    Object.assign(p, change);
    if (!p.hold) p.holdMusic = null;
    p.dateUpdated = m.leg.now();
    if (change.muted !== undefined && change.muted !== before.muted) {
      this.note(m.leg, p.muted ? 'participant-mute' : 'participant-unmute');
      this.events.emit(p.muted ? 'participant-mute' : 'participant-unmute', m.leg, p);
    }
    if (change.hold !== undefined && change.hold !== before.hold) {
      m.leg.note({ type: 'hold', held: p.hold, music: p.holdMusic ?? [] });
      this.note(m.leg, p.hold ? 'participant-hold' : 'participant-unhold');
      this.events.emit(p.hold ? 'participant-hold' : 'participant-unhold', m.leg, p);
    } else if (p.hold && change.holdMusic && change.holdMusic !== before.holdMusic) {
      // A new HoldUrl while already held changes the music without a new hold event.
      m.leg.note({ type: 'hold', held: true, music: p.holdMusic ?? [] });
    }
    if (
      (change.coaching !== undefined && change.coaching !== before.coaching) ||
      (change.callSidToCoach !== undefined && change.callSidToCoach !== before.callSidToCoach) ||
      (change.endConferenceOnExit !== undefined &&
        change.endConferenceOnExit !== before.endConferenceOnExit)
    ) {
      this.note(m.leg, 'participant-modify');
      this.events.emit('participant-modify', m.leg, p);
    }
    return p;
  }

  /** Everyone in the room hears the entry/exit beep. */
  private beep(): void {
    for (const m of this.members.values()) m.leg.note({ type: 'beep' });
  }

  /**
   * A script's `conferenceSpeech` makes the party talk at set real times after joining; Twilio
   * reports speech-start/stop only for audio that reaches the mix (not muted, not held).
   */
  private scheduleSpeech(member: Member): void {
    for (const s of member.leg.script.conferenceSpeech ?? []) {
      const timer = setTimeout(() => {
        const p = member.participant;
        if (!this.members.has(p.callSid) || this.ended || p.muted || p.hold) return;
        this.events.emit('participant-speech-start', member.leg, p);
        const stop = setTimeout(
          () => this.events.emit('participant-speech-stop', member.leg, p),
          s.durationMs ?? 300,
        );
        stop.unref();
      }, s.afterMs);
      timer.unref();
    }
  }

  note(leg: CallLeg, event: string): void {
    leg.note({
      type: 'conference',
      name: this.record.friendlyName,
      conferenceSid: this.record.sid,
      event,
    });
  }
}
