import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import { rfc2822 } from './dates';
import type { ConferenceRecord, ParticipantRecord } from './model';
import type { HttpMethod } from './webhook-client';

/** Where a conference reports its events: the first participant's statusCallback. */
export interface ConferenceEvents {
  url: string;
  method: HttpMethod;
  /** TwiML tokens: start end join leave mute hold modify speaker announcement. */
  events: ReadonlySet<string>;
}

/** The statusCallbackEvent token that enables each conference event. */
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
  'participant-speech-start': 'speaker',
  'participant-speech-stop': 'speaker',
  'announcement-end': 'announcement',
  'announcement-fail': 'announcement',
};

/** The conference events this simulator sends. */
export const CONFERENCE_EVENTS: readonly string[] = Object.keys(TOKEN_OF);

/**
 * One conference's status callbacks. Twilio uses only the first participant's
 * ConferenceStatusCallback (TwiML `statusCallback`): later participants' values are ignored even
 * when the first participant brought none. SequenceNumber counts per conference from 0.
 */
export class ConferenceEventSink {
  private config: ConferenceEvents | undefined;
  private decided = false;
  private sequence = 0;

  constructor(
    private readonly core: SimCore,
    private readonly record: ConferenceRecord,
  ) {}

  /** Called for every participant that joins (or fails to be added); only the first counts. */
  adopt(config: ConferenceEvents | undefined): void {
    if (this.decided) return;
    this.decided = true;
    this.config = config;
  }

  get configured(): ConferenceEvents | undefined {
    return this.config;
  }

  emit(
    event: string,
    leg: CallLeg | undefined,
    p?: ParticipantRecord,
    extra: Record<string, string> = {},
  ): void {
    const cfg = this.config;
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
      ...participantParams(p),
      ...extra,
    };
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

function participantParams(p: ParticipantRecord | undefined): Record<string, string> {
  if (!p) return {};
  const params: Record<string, string> = {
    CallSid: p.callSid,
    Muted: String(p.muted),
    Hold: String(p.hold),
    Coaching: String(p.coaching),
    EndConferenceOnExit: String(p.endConferenceOnExit),
    StartConferenceOnEnter: String(p.startConferenceOnEnter),
  };
  if (p.callSidToCoach) params.CallSidToCoach = p.callSidToCoach;
  if (p.label) params.ParticipantLabel = p.label;
  return params;
}
