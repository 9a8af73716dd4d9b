import { rfc2822, rfc2822OrNull } from './dates';
import type {
  CallRecord,
  ConferenceRecord,
  MessageRecord,
  ParticipantRecord,
  RecordingRecord,
} from './model';

export const API_VERSION = '2010-04-01';

export function accountPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}`;
}

export function callJson(accountSid: string, c: CallRecord): Record<string, unknown> {
  const uri = `${accountPath(accountSid)}/Calls/${c.sid}`;
  return {
    sid: c.sid,
    account_sid: accountSid,
    parent_call_sid: c.parentCallSid ?? null,
    to: c.to,
    to_formatted: c.to,
    from: c.from,
    from_formatted: c.from,
    status: c.status,
    direction: c.direction,
    answered_by: c.answeredBy ?? null,
    api_version: API_VERSION,
    caller_name: c.callerName ?? null,
    forwarded_from: null,
    group_sid: null,
    phone_number_sid: null,
    trunk_sid: c.trunkSid ?? null,
    annotation: null,
    queue_time: String(c.queueTimeMs ?? 0),
    price: null,
    price_unit: 'USD',
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    start_time: rfc2822OrNull(c.startTime),
    end_time: rfc2822OrNull(c.endTime),
    duration: c.duration === undefined ? null : String(c.duration),
    uri: `${uri}.json`,
    subresource_uris: {
      recordings: `${uri}/Recordings.json`,
      notifications: `${uri}/Notifications.json`,
      events: `${uri}/Events.json`,
    },
  };
}

export function messageJson(accountSid: string, m: MessageRecord): Record<string, unknown> {
  const uri = `${accountPath(accountSid)}/Messages/${m.sid}`;
  return {
    sid: m.sid,
    account_sid: accountSid,
    messaging_service_sid: m.messagingServiceSid,
    to: m.to,
    from: m.from,
    body: m.body,
    status: m.status,
    direction: m.direction,
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 160))),
    num_media: '0',
    error_code: m.errorCode,
    error_message: m.errorMessage,
    api_version: API_VERSION,
    price: null,
    price_unit: 'USD',
    date_created: rfc2822(m.dateCreated),
    date_updated: rfc2822(m.dateUpdated),
    date_sent: rfc2822OrNull(m.dateSent),
    uri: `${uri}.json`,
    subresource_uris: { media: `${uri}/Media.json` },
  };
}

/** `mediaBase` (the API's origin) makes `media_url` absolute, as Twilio returns it. */
export function recordingJson(
  accountSid: string,
  r: RecordingRecord,
  mediaBase = '',
): Record<string, unknown> {
  const uri = `${accountPath(accountSid)}/Recordings/${r.sid}`;
  return {
    sid: r.sid,
    account_sid: accountSid,
    call_sid: r.callSid,
    conference_sid: r.conferenceSid,
    status: r.status,
    source: r.source,
    channels: r.channels,
    duration: r.status === 'completed' ? String(r.duration) : '-1',
    start_time: rfc2822(r.startTime),
    date_created: rfc2822(r.dateCreated),
    date_updated: rfc2822(r.dateUpdated),
    error_code: r.errorCode,
    api_version: API_VERSION,
    price: null,
    price_unit: 'USD',
    encryption_details: null,
    media_url: `${mediaBase.replace(/\/$/, '')}${uri}`,
    uri: `${uri}.json`,
    subresource_uris: {
      transcriptions: `${uri}/Transcriptions.json`,
      add_on_results: `${uri}/AddOnResults.json`,
    },
  };
}

export function conferenceJson(accountSid: string, c: ConferenceRecord): Record<string, unknown> {
  const uri = `${accountPath(accountSid)}/Conferences/${c.sid}`;
  return {
    sid: c.sid,
    account_sid: accountSid,
    friendly_name: c.friendlyName,
    status: c.status,
    region: 'us1',
    api_version: API_VERSION,
    reason_conference_ended: c.reasonConferenceEnded,
    call_sid_ending_conference: c.callSidEndingConference,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    uri: `${uri}.json`,
    subresource_uris: {
      participants: `${uri}/Participants.json`,
      recordings: `${uri}/Recordings.json`,
    },
  };
}

export function participantJson(accountSid: string, p: ParticipantRecord): Record<string, unknown> {
  return {
    account_sid: accountSid,
    call_sid: p.callSid,
    conference_sid: p.conferenceSid,
    label: p.label,
    status: p.status,
    muted: p.muted,
    hold: p.hold,
    coaching: p.coaching,
    call_sid_to_coach: p.callSidToCoach,
    start_conference_on_enter: p.startConferenceOnEnter,
    end_conference_on_exit: p.endConferenceOnExit,
    queue_time: null,
    date_created: rfc2822(p.dateCreated),
    date_updated: rfc2822(p.dateUpdated),
    uri: `${accountPath(accountSid)}/Conferences/${p.conferenceSid}/Participants/${p.callSid}.json`,
  };
}
