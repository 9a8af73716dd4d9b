import type { FastifyInstance, FastifyRequest } from 'fastify';
import { announce } from './announce';
import type { SimCore } from './core';
import { apiErrors } from './errors';
import type { ConferenceRecord, ParticipantRecord } from './model';
import { pageOf } from './paging';
import { absoluteUrl, asParams, method, newestFirst, splitFile, str } from './rest-params';
import { participantRoutes } from './rest-participants';
import { accountPath, conferenceJson } from './serialize';

type ConfReq = FastifyRequest<{ Params: { AccountSid: string; file: string } }>;

export function conferenceRoutes(core: SimCore) {
  const base = `${accountPath(core.accountSid)}/Conferences`;
  const find = (sid: string): ConferenceRecord => {
    const c = core.store.conferences.get(sid);
    if (!c) throw apiErrors.notFound(`${base}/${sid}.json`);
    return c;
  };
  const participantsOf = (conferenceSid: string): ParticipantRecord[] =>
    [...core.store.participants.values()].filter((p) => p.conferenceSid === conferenceSid);

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
      if (announceUrl && room) {
        const listeners = participantsOf(conference.sid).filter((x) => x.status === 'connected');
        await announce(core, room, announceUrl, method(p, 'AnnounceMethod') ?? 'POST', listeners);
      }
      if (status === 'completed' && room) room.end('conference-ended-via-api', null);
      return conferenceJson(core.accountSid, conference);
    });

    participantRoutes(core, app, find, participantsOf);
    done();
  };
}
