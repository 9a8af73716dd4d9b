import type { FastifyInstance, FastifyRequest } from 'fastify';
import { announce } from './announce';
import { beepMode, ConferenceRoom, type JoinOptions } from './conference-room';
import type { SimCore } from './core';
import { apiErrors, TwilioApiError } from './errors';
import { fetchHoldMusic } from './hold-music';
import { statusCallbackConfig } from './legs';
import type { ConferenceRecord, ParticipantRecord } from './model';
import { pageOf } from './paging';
import { routingParams } from './routing-params';
import { dialParticipant } from './participants';
import { parseRecordingEvents } from './recordings';
import {
  absoluteUrl,
  asParams,
  bool,
  int,
  list,
  method,
  splitFile,
  str,
  type Params,
} from './rest-params';
import { accountPath, participantJson } from './serialize';
import { conferenceEvents } from './verbs/conference';

type PartListReq = FastifyRequest<{ Params: { AccountSid: string; ConferenceSid: string } }>;
type PartReq = FastifyRequest<{
  Params: { AccountSid: string; ConferenceSid: string; file: string };
}>;

const CONFERENCE_SID = /^CF[0-9a-fA-F]{32}$/;

/** Participants of a conference: list, create (dial), fetch/update/delete by CallSid or label. */
export function participantRoutes(
  core: SimCore,
  app: FastifyInstance,
  find: (sid: string) => ConferenceRecord,
  participantsOf: (conferenceSid: string) => ParticipantRecord[],
): void {
  const base = `${accountPath(core.accountSid)}/Conferences`;
  /** Participants are addressed by CallSid or by their label. */
  const findParticipant = (conferenceSid: string, key: string): ParticipantRecord => {
    const p =
      core.store.participant(conferenceSid, key) ??
      participantsOf(conferenceSid).find((x) => x.label === key);
    if (!p) throw apiErrors.notFound(`${base}/${conferenceSid}/Participants/${key}.json`);
    return p;
  };
  const roomNamed = (name: string): ConferenceRoom | undefined => {
    const c = core.store.activeConferenceByName(name);
    return c ? core.rooms.get(c.sid) : undefined;
  };
  /** Coaching needs a participant to coach, and that call must be in this conference. */
  const checkCoaching = (conferenceSid: string, coaching: boolean, target: string | null): void => {
    if (!coaching) return;
    if (!target)
      throw new TwilioApiError(21218, 400, 'CallSidToCoach is required when Coaching is true');
    if (!core.store.participant(conferenceSid, target))
      throw new TwilioApiError(
        21218,
        400,
        `CallSidToCoach ${target} is not a participant of conference ${conferenceSid}`,
      );
  };

  app.get('/Conferences/:ConferenceSid/Participants.json', (req: PartListReq) => {
    const conference = find(req.params.ConferenceSid);
    const q = asParams(req.query);
    const muted = str(q, 'Muted');
    const hold = str(q, 'Hold');
    const coaching = str(q, 'Coaching');
    const items = participantsOf(conference.sid).filter(
      (p) =>
        (muted === undefined || String(p.muted) === muted) &&
        (hold === undefined || String(p.hold) === hold) &&
        (coaching === undefined || String(p.coaching) === coaching),
    );
    return pageOf('participants', `${base}/${conference.sid}/Participants.json`, q, items, (x) =>
      participantJson(core.accountSid, x),
    );
  });

  // The path takes a ConferenceSid or, as at Twilio, a FriendlyName (creating the conference).
  app.post('/Conferences/:ConferenceSid/Participants.json', async (req: PartListReq, reply) => {
    const key = req.params.ConferenceSid;
    const existing = CONFERENCE_SID.test(key) ? core.rooms.get(find(key).sid) : undefined;
    if (CONFERENCE_SID.test(key) && !existing)
      throw new TwilioApiError(20404, 404, `Conference ${key} is not in progress`);
    const p = asParams(req.body);
    const from = str(p, 'From');
    const to = str(p, 'To');
    if (!from) throw new TwilioApiError(21213, 400, "No 'From' number is specified");
    if (!to) throw new TwilioApiError(21201, 400, "No 'To' number is specified");
    const routing = routingParams(core, p, to);
    const timeoutSec = int(p, 'Timeout', 60);
    if (timeoutSec < 5 || timeoutSec > 600)
      throw apiErrors.invalidParam('Timeout', String(timeoutSec));
    const join = joinOptions(p);
    const active = existing ?? roomNamed(key);
    checkCoaching(active?.record.sid ?? '', join.coaching, join.callSidToCoach);
    const room = active ?? ConferenceRoom.named(core, key);
    const statusCallback = statusCallbackConfig(
      absoluteUrl(p, 'StatusCallback'),
      str(p, 'StatusCallbackMethod'),
      list(p, 'StatusCallbackEvent'),
    );
    const amd = str(p, 'MachineDetection');
    if (amd !== undefined && amd !== 'Enable' && amd !== 'DetectMessageEnd')
      throw apiErrors.invalidParam('MachineDetection', amd);
    const amdUrl = absoluteUrl(p, 'AmdStatusCallback');
    const amdMethod = method(p, 'AmdStatusCallbackMethod');
    const participant = dialParticipant(core, room, {
      from,
      to,
      timeoutSec,
      join,
      ...(statusCallback ? { statusCallback } : {}),
      ...(amd ? { machineDetection: amd } : {}),
      ...(amdUrl ? { amdStatusCallback: amdUrl } : {}),
      ...(amdMethod ? { amdStatusCallbackMethod: amdMethod } : {}),
      ...routing,
    });
    return reply.code(201).send(participantJson(core.accountSid, participant));
  });

  app.get('/Conferences/:ConferenceSid/Participants/:file', (req: PartReq) => {
    const conference = find(req.params.ConferenceSid);
    return participantJson(
      core.accountSid,
      findParticipant(conference.sid, splitFile(req.params.file).id),
    );
  });

  app.post('/Conferences/:ConferenceSid/Participants/:file', async (req: PartReq) => {
    const conference = find(req.params.ConferenceSid);
    const participant = findParticipant(conference.sid, splitFile(req.params.file).id);
    const p = asParams(req.body);
    const change: Partial<ParticipantRecord> = {};
    const muted = bool(p, 'Muted');
    const hold = bool(p, 'Hold');
    const coaching = bool(p, 'Coaching');
    const endOnExit = bool(p, 'EndConferenceOnExit');
    const holdUrl = absoluteUrl(p, 'HoldUrl');
    const coachSid = str(p, 'CallSidToCoach');
    if (muted !== undefined) change.muted = muted;
    if (hold !== undefined) change.hold = hold;
    if (coaching !== undefined) change.coaching = coaching;
    if (endOnExit !== undefined) change.endConferenceOnExit = endOnExit;
    if (holdUrl) change.holdUrl = holdUrl;
    if (coachSid) change.callSidToCoach = coachSid;
    checkCoaching(
      conference.sid,
      change.coaching ?? participant.coaching,
      change.callSidToCoach ?? participant.callSidToCoach,
    );
    const willHold = change.hold ?? participant.hold;
    if (willHold && (hold === true || holdUrl)) {
      // Twilio fetches HoldUrl (GET by default) and plays what it returns to the held party.
      const held = await fetchHoldMusic(
        core,
        holdUrl ?? participant.holdUrl ?? undefined,
        method(p, 'HoldMethod') ?? 'GET',
        {
          AccountSid: core.accountSid,
          ConferenceSid: conference.sid,
          CallSid: participant.callSid,
        },
      );
      change.holdMusic = held.music;
      if (held.error) core.live.get(participant.callSid)?.note({ type: 'error', ...held.error });
    }
    const room = core.rooms.get(conference.sid);
    const updated = room?.update(participant.callSid, change);
    if (!updated) Object.assign(participant, change, { dateUpdated: core.now() });
    const announceUrl = absoluteUrl(p, 'AnnounceUrl');
    if (announceUrl && room) {
      const announceMethod = method(p, 'AnnounceMethod') ?? 'POST';
      await announce(core, room, announceUrl, announceMethod, [participant], participant);
    }
    return participantJson(core.accountSid, updated ?? participant);
  });

  app.delete('/Conferences/:ConferenceSid/Participants/:file', async (req: PartReq, reply) => {
    const conference = find(req.params.ConferenceSid);
    const participant = findParticipant(conference.sid, splitFile(req.params.file).id);
    const room = core.rooms.get(conference.sid);
    if (!room?.kick(participant.callSid)) {
      // Still ringing: Twilio cancels the call and the participant disappears.
      core.store.deleteParticipant(conference.sid, participant.callSid);
      core.live.get(participant.callSid)?.interrupt({ kind: 'hangup', status: 'canceled' });
    }
    return reply.code(204).send();
  });
}

function joinOptions(p: Params): JoinOptions {
  const beepRaw = str(p, 'Beep');
  const beep = beepMode(beepRaw ?? 'true');
  if (!beep) throw apiErrors.invalidParam('Beep', beepRaw ?? '');
  const callSidToCoach = str(p, 'CallSidToCoach') ?? null;
  const confEvents = conferenceEvents(
    absoluteUrl(p, 'ConferenceStatusCallback'),
    str(p, 'ConferenceStatusCallbackMethod'),
    list(p, 'ConferenceStatusCallbackEvent'),
  );
  const recUrl = absoluteUrl(p, 'ConferenceRecordingStatusCallback');
  const record = str(p, 'ConferenceRecord');
  return {
    startConferenceOnEnter: bool(p, 'StartConferenceOnEnter') ?? true,
    endConferenceOnExit: bool(p, 'EndConferenceOnExit') ?? false,
    muted: bool(p, 'Muted') ?? false,
    beep,
    // Twilio: Coaching defaults to false unless CallSidToCoach is given.
    coaching: bool(p, 'Coaching') ?? callSidToCoach !== null,
    callSidToCoach,
    label: str(p, 'Label') ?? null,
    ...(confEvents ? { statusCallback: confEvents } : {}),
    record: record === 'record-from-start' || record === 'true',
    ...(recUrl
      ? {
          recordingCallback: {
            url: recUrl,
            method: method(p, 'ConferenceRecordingStatusCallbackMethod') ?? 'POST',
            events: parseRecordingEvents(list(p, 'ConferenceRecordingStatusCallbackEvent')),
          },
        }
      : {}),
  };
}
