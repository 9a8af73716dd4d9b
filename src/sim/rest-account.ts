import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimCore } from './core';
import { rfc2822 } from './dates';
import { apiErrors } from './errors';
import { splitFile } from './rest-params';
import { accountPath } from './serialize';

type Req = FastifyRequest<{ Params: { file: string } }>;

/** `GET /2010-04-01/Accounts/{sid}.json`: the one account the simulator holds, always active. */
export function accountRoutes(core: SimCore) {
  const created = core.now();
  return function routes(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.get('/2010-04-01/Accounts/:file', (req: Req) => {
      const sid = splitFile(req.params.file).id;
      if (sid !== core.accountSid) throw apiErrors.notFound(`${accountPath(sid)}.json`);
      return {
        sid,
        owner_account_sid: sid,
        friendly_name: 'Simulated account',
        status: 'active',
        type: 'Full',
        date_created: rfc2822(created),
        date_updated: rfc2822(created),
        uri: `${accountPath(sid)}.json`,
        subresource_uris: {
          calls: `${accountPath(sid)}/Calls.json`,
          incoming_phone_numbers: `${accountPath(sid)}/IncomingPhoneNumbers.json`,
          messages: `${accountPath(sid)}/Messages.json`,
          recordings: `${accountPath(sid)}/Recordings.json`,
        },
      };
    });
    done();
  };
}
