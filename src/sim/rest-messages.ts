import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimCore } from './core';
import { apiErrors } from './errors';
import { createMessage } from './messaging';
import { pageOf } from './paging';
import { absoluteUrl, asParams, newestFirst, splitFile, str } from './rest-params';
import { accountPath, messageJson } from './serialize';

type Req = FastifyRequest<{ Params: { AccountSid: string; file: string } }>;

export function messageRoutes(core: SimCore) {
  const base = `${accountPath(core.accountSid)}/Messages`;
  const find = (file: string) => {
    const sid = splitFile(file).id;
    const m = core.store.messages.get(sid);
    if (!m) throw apiErrors.notFound(`${base}/${sid}.json`);
    return m;
  };

  return function routes(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.post('/Messages.json', async (req, reply) => {
      const p = asParams(req.body);
      const to = str(p, 'To');
      const from = str(p, 'From');
      const messagingServiceSid = str(p, 'MessagingServiceSid');
      const body = str(p, 'Body');
      const statusCallback = absoluteUrl(p, 'StatusCallback');
      const m = createMessage(core, {
        ...(to ? { to } : {}),
        ...(from ? { from } : {}),
        ...(messagingServiceSid ? { messagingServiceSid } : {}),
        ...(body ? { body } : {}),
        ...(statusCallback ? { statusCallback } : {}),
      });
      return reply.code(201).send(messageJson(core.accountSid, m));
    });

    app.get('/Messages.json', (req) => {
      const q = asParams(req.query);
      const to = str(q, 'To');
      const from = str(q, 'From');
      const items = newestFirst(core.store.messages.values()).filter(
        (m) => (!to || m.to === to) && (!from || m.from === from),
      );
      return pageOf('messages', `${base}.json`, q, items, (m) => messageJson(core.accountSid, m));
    });

    app.get('/Messages/:file', (req: Req) => messageJson(core.accountSid, find(req.params.file)));

    app.delete('/Messages/:file', async (req: Req, reply) => {
      core.store.messages.delete(find(req.params.file).sid);
      return reply.code(204).send();
    });
    done();
  };
}
