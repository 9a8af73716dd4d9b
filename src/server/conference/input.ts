import type {
  ConferenceEvent,
  ParticipantCallEvent,
} from '../../../workflows/conference/definitions';
import { CONFERENCE_NAME } from '../../../workflows/shared/ids';
import { HttpError } from '../errors';
import { optional, patterns, required, type Params } from '../twilio-params';

/**
 * Every parameter of a conference callback that reaches history is read and checked here, against
 * bounded patterns: the routes never read a raw parameter.
 */

const ConferenceSid = /^CF[0-9a-f]{32}$/;
const CONFERENCE_EVENTS = new Set([
  'conference-start',
  'conference-end',
  'participant-join',
  'participant-leave',
  'participant-mute',
  'participant-unmute',
  'participant-hold',
  'participant-unhold',
  'participant-modify',
  'participant-speech-start',
  'participant-speech-stop',
  'announcement-end',
  'announcement-fail',
]);
const Label = /^[\w.:+-]{1,128}$/;
const Reason = /^[\w.-]{1,64}$/;
const Flag = /^(true|false)$/;

function flag(params: Params, name: string): boolean | undefined {
  const v = optional(params, name, Flag);
  return v === undefined ? undefined : v === 'true';
}

/** Twilio's Timestamp (RFC 2822) as ISO; a callback without one is timed when it arrives. */
function timestampOf(params: Params, now: Date): string {
  const raw = params.Timestamp;
  if (raw === undefined || raw === '') return now.toISOString();
  const t = Date.parse(raw);
  if (Number.isNaN(t) || raw.length > 64) throw new HttpError('badRequest', 'malformed Timestamp');
  return new Date(t).toISOString();
}

export function conferenceNameOf(value: string | undefined, param: string): string {
  if (value === undefined || !CONFERENCE_NAME.test(value)) {
    throw new HttpError('badRequest', `malformed ${param}`);
  }
  return value;
}

/** A conference status callback as the workflow's event, keyed for deduplication. */
export function conferenceEventOf(
  params: Params,
  now: Date,
): { name: string; event: ConferenceEvent } {
  const name = conferenceNameOf(params.FriendlyName, 'FriendlyName');
  const conferenceSid = required(params, 'ConferenceSid', ConferenceSid);
  const kind = params.StatusCallbackEvent ?? '';
  if (!CONFERENCE_EVENTS.has(kind))
    throw new HttpError('badRequest', 'malformed StatusCallbackEvent');
  const seq = optional(params, 'SequenceNumber', patterns.SequenceNumber);
  const timestamp = timestampOf(params, now);
  const callSid = optional(params, 'CallSid', patterns.CallSid);
  const label = optional(params, 'ParticipantLabel', Label);
  const reason =
    optional(params, 'ReasonParticipantLeft', Reason) ??
    optional(params, 'ReasonConferenceEnded', Reason);
  const muted = flag(params, 'Muted');
  const hold = flag(params, 'Hold');
  const coaching = flag(params, 'Coaching');
  const event: ConferenceEvent = {
    kind: 'conference',
    key: `${conferenceSid}:${seq ?? timestamp}:${kind}:${callSid ?? ''}`,
    event: kind,
    conferenceSid,
    sequenceNumber: seq === undefined ? -1 : Number(seq),
    timestamp,
    ...(callSid ? { callSid } : {}),
    ...(label ? { label } : {}),
    ...(muted !== undefined ? { muted } : {}),
    ...(hold !== undefined ? { hold } : {}),
    ...(coaching !== undefined ? { coaching } : {}),
    ...(reason ? { reason } : {}),
  };
  return { name, event };
}

/** A dialed participant's call status callback. */
export function participantCallEventOf(params: Params, now: Date): ParticipantCallEvent {
  const callSid = required(params, 'CallSid', patterns.CallSid);
  const callStatus = required(params, 'CallStatus', patterns.CallStatus);
  const seq = optional(params, 'SequenceNumber', patterns.SequenceNumber);
  const timestamp = timestampOf(params, now);
  return {
    kind: 'call-status',
    key: `${callSid}:${seq ?? timestamp}:${callStatus}`,
    callSid,
    callStatus,
    sequenceNumber: seq === undefined ? -1 : Number(seq),
    timestamp,
  };
}
