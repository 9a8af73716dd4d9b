import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dialParticipant } from './calls';
import { ConferenceRoom } from './conference-room';
import type { SimCore } from './core';
import { apiErrors, TwilioApiError } from './errors';
import { statusCallbackConfig } from './legs';
import type { ConferenceRecord, ParticipantRecord } from './model';
import { pageOf } from './paging';
import { isValidVoiceAddress } from './phone';
import { parseRecordingEvents } from './recordings';
import {
  absoluteUrl,
  asParams,
  bool,
  int,
  list,
  method,
  newestFirst,
  splitFile,
  str,
} from './rest-params';
import { accountPath, conferenceJson, participantJson } from './serialize';
import { parseTwiml } from './twiml';
import { conferenceEvents } from './verbs/conference';

type ConfReq = FastifyRequest<{ Params: { AccountSid: string; file: string } }>;
type PartListReq = FastifyRequest<{ Params: { AccountSid: string; ConferenceSid: string } }>;
type PartReq = FastifyRequest<{
  Params: { AccountSid: string; ConferenceSid: string; file: string };
}>;

export function conferenceRoutes(core: SimCore) {
  const base = `${accountPath(core.accountSid)}/Conferences`;
  const find = (sid: string): ConferenceRecord => {
    const c = core.store.conferences.get(sid);
    if (!c) throw apiErrors.notFound(`${base}/${sid}.json`);
    return c;
  };
  const participantsOf = (conferenceSid: string): ParticipantRecord[] =>
    [...core.store.participants.values()].filter((p) => p.conferenceSid === conferenceSid);
  /** Participants are addressed by CallSid or by their label. */
  const findParticipant = (conferenceSid: string, key: string): ParticipantRecord => {
    const p =
      core.store.participant(conferenceSid, key) ??
      participantsOf(conferenceSid).find((x) => x.label === key);
    if (!p) throw apiErrors.notFound(`${base}/${conferenceSid}/Participants/${key}.json`);
    return p;
  };

  /** Twilio fetches AnnounceUrl and plays its <Say>/<Play> to the listeners. */
  const announce = async (
    url: string,
    conference: ConferenceRecord,
    listeners: ParticipantRecord[],
  ): Promise<void> => {
    const { outcome } = await core.webhooks.send({
      url,
      method: 'POST',
      params: {
        AccountSid: core.accountSid,
        ConferenceSid: conference.sid,
        FriendlyName: conference.friendlyName,
      },
    });
    if (!outcome.ok) return;
    const doc = parseTwiml(outcome.body);
    for (const p of listeners) {
      const leg = core.live.get(p.callSid);
      for (const verb of doc.children) {
        if (verb.name === 'Say') {
          leg?.note({
            type: 'say',
            text: verb.text,
            voice: verb.attrs.voice ?? 'man',
            language: verb.attrs.language ?? 'en-US',
            loop: 1,
          });
        } else if (verb.name === 'Play') {
          leg?.note({ type: 'play', url: verb.text, loop: 1 });
        }
      }
    }
  };

  return function routes(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.get('/Conferences.json', (req) => {
      const q = asParams(req.query);
      const name = str(q, 'FriendlyName');
      const status = str(q, 'Status');
      const items = newestFirst(core.store.conferences.values()).filter(
        (c) => (!name || c.friendlyName === name) && (!status || c.status === status),
      );
      return pageOf('conferences', `${base}.json`, q, items, (c) =>
        conferenceJson(core.accountSid, c),
      );
    });

    app.get('/Conferences/:file', (req: ConfReq) =>
      conferenceJson(core.accountSid, find(splitFile(req.params.file).id)),
    );

    app.post('/Conferences/:file', async (req: ConfReq) => {
      const conference = find(splitFile(req.params.file).id);
      const p = asParams(req.body);
      const status = str(p, 'Status');
      const announceUrl = absoluteUrl(p, 'AnnounceUrl');
      if (status !== undefined && status !== 'completed')
        throw apiErrors.invalidParam('Status', status);
      const room = core.rooms.get(conference.sid);
      if (announceUrl && room)
        await announce(announceUrl, conference, participantsOf(conference.sid));
      if (status === 'completed' && room) room.end('conference-ended-via-api', null);
      return conferenceJson(core.accountSid, conference);
    });

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
      const room = /^CF[0-9a-f]{32}$/.test(key)
        ? core.rooms.get(find(key).sid)
        : ConferenceRoom.named(core, key);
      if (!room) throw new TwilioApiError(20404, 404, `Conference ${key} is not in progress`);
      const p = asParams(req.body);
      const from = str(p, 'From');
      const to = str(p, 'To');
      if (!from) throw new TwilioApiError(21213, 400, "No 'From' number is specified");
      if (!to) throw new TwilioApiError(21201, 400, "No 'To' number is specified");
      if (!isValidVoiceAddress(to)) throw apiErrors.invalidTo(to);
      const statusCallback = statusCallbackConfig(
        absoluteUrl(p, 'StatusCallback'),
        str(p, 'StatusCallbackMethod'),
        list(p, 'StatusCallbackEvent'),
      );
      const confEvents = conferenceEvents(
        absoluteUrl(p, 'ConferenceStatusCallback'),
        str(p, 'ConferenceStatusCallbackMethod'),
        list(p, 'ConferenceStatusCallbackEvent'),
      );
      const recUrl = absoluteUrl(p, 'ConferenceRecordingStatusCallback');
      const callSidToCoach = str(p, 'CallSidToCoach');
      const label = str(p, 'Label');
      const participant = dialParticipant(core, room, {
        from,
        to,
        timeoutSec: int(p, 'Timeout', 60),
        ...(statusCallback ? { statusCallback } : {}),
        join: {
          startConferenceOnEnter: bool(p, 'StartConferenceOnEnter') ?? true,
          endConferenceOnExit: bool(p, 'EndConferenceOnExit') ?? false,
          muted: bool(p, 'Muted') ?? false,
          beep: (str(p, 'Beep') ?? 'true') !== 'false',
          coaching: bool(p, 'Coaching') ?? false,
          callSidToCoach: callSidToCoach ?? null,
          label: label ?? null,
          ...(confEvents ? { statusCallback: confEvents } : {}),
          record:
            str(p, 'ConferenceRecord') === 'record-from-start' ||
            str(p, 'ConferenceRecord') === 'true',
          ...(recUrl
            ? {
                recordingCallback: {
                  url: recUrl,
                  method: method(p, 'ConferenceRecordingStatusCallbackMethod') ?? 'POST',
                  events: parseRecordingEvents(list(p, 'ConferenceRecordingStatusCallbackEvent')),
                },
              }
            : {}),
        },
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
      const room = core.rooms.get(conference.sid);
      const updated = room?.update(participant.callSid, change);
      if (!updated) Object.assign(participant, change, { dateUpdated: core.now() });
      const leg = core.live.get(participant.callSid);
      // Twilio plays HoldUrl's audio to a held participant; the simulator notes it, it does not fetch.
      if (hold && (holdUrl ?? participant.holdUrl))
        leg?.note({ type: 'play', url: holdUrl ?? participant.holdUrl ?? '', loop: 0 });
      const announceUrl = absoluteUrl(p, 'AnnounceUrl');
      if (announceUrl) await announce(announceUrl, conference, [participant]);
      return participantJson(core.accountSid, updated ?? participant);
    });

    app.delete('/Conferences/:ConferenceSid/Participants/:file', async (req: PartReq, reply) => {
      const conference = find(req.params.ConferenceSid);
      const participant = findParticipant(conference.sid, splitFile(req.params.file).id);
      const room = core.rooms.get(conference.sid);
      if (!room?.kick(participant.callSid)) {
        core.store.deleteParticipant(conference.sid, participant.callSid);
        core.live.get(participant.callSid)?.interrupt({ kind: 'hangup', status: 'canceled' });
      }
      return reply.code(204).send();
    });
    done();
  };
}
