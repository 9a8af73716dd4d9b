import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { SimCore } from './core';
import { apiErrors, TwilioApiError } from './errors';
import type { RestRoute } from './faults';
import { accountRoutes } from './rest-account';
import { callRoutes } from './rest-calls';
import { conferenceRoutes } from './rest-conferences';
import { messageRoutes } from './rest-messages';
import { numberRoutes } from './rest-numbers';
import { recordingRoutes } from './rest-recordings';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function credentialsOk(core: SimCore, header: string | undefined): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return decoded.slice(0, colon) === core.accountSid && decoded.slice(colon + 1) === core.authToken;
}

function sendError(reply: FastifyReply, err: TwilioApiError): FastifyReply {
  return reply.code(err.status).type('application/json').send(err.toJSON());
}

/** Which fault-targetable route a request is, by method and path. */
function restRouteOf(req: FastifyRequest): RestRoute | undefined {
  const path = req.url.split('?')[0] ?? '';
  if (/\/Calls\.json$/.test(path)) return req.method === 'POST' ? 'calls.create' : 'calls.list';
  if (/\/Calls\/CA[0-9a-f]{32}(\.json)?$/.test(path) && req.method === 'POST')
    return 'calls.update';
  if (/\/Messages\.json$/.test(path) && req.method === 'POST') return 'messages.create';
  return undefined;
}

/** The REST half of the simulator: Twilio's 2010-04-01 API subset as a fastify app (no listen). */
export function buildRestApp(core: SimCore, opts: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false });
  void app.register(formbody);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!credentialsOk(core, req.headers.authorization)) {
      void reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
      return sendError(reply, apiErrors.authenticate());
    }
    const rest = core.faults.current.rest;
    if (rest?.slowMs) await sleep(rest.slowMs);
    if (core.faults.restFault(restRouteOf(req))) {
      const status = rest?.errorStatus ?? 429;
      if (rest?.retryAfterSeconds !== undefined) {
        void reply.header('Retry-After', String(rest.retryAfterSeconds));
      }
      return sendError(
        reply,
        status === 429 ? apiErrors.tooManyRequests() : apiErrors.serverError(status),
      );
    }
    return undefined;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const route = restRouteOf(req);
    if (route) for (const hook of core.faults.replyHooks) await hook(route, reply.statusCode);
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof TwilioApiError) return sendError(reply, err);
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(
        reply,
        new TwilioApiError(20001, status, err instanceof Error ? err.message : 'Bad request'),
      );
    }
    req.log.error({ err }, 'simulator REST error');
    return sendError(reply, apiErrors.serverError(500));
  });

  app.setNotFoundHandler((req, reply) =>
    sendError(reply, apiErrors.notFound(req.url.split('?')[0] ?? req.url)),
  );

  void app.register(accountRoutes(core));
  void app.register(
    async (scoped) => {
      scoped.addHook(
        'preHandler',
        (req: FastifyRequest<{ Params: { AccountSid: string } }>, _reply, done) => {
          // Credentials are right but name another account: Twilio answers that it does not exist.
          if (req.params.AccountSid !== core.accountSid) {
            done(apiErrors.notFound(req.url.split('?')[0] ?? req.url));
          } else done();
        },
      );
      await scoped.register(callRoutes(core));
      await scoped.register(messageRoutes(core));
      await scoped.register(recordingRoutes(core));
      await scoped.register(conferenceRoutes(core));
      await scoped.register(numberRoutes(core));
    },
    { prefix: '/2010-04-01/Accounts/:AccountSid' },
  );
  return app;
}
