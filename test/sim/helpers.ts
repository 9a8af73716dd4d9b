import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';

export interface Received {
  method: string;
  path: string;
  url: string;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export type Reply = string | { status?: number; type?: string; body: string; delayMs?: number };
export type Handler = (params: Record<string, string>, req: Received) => Reply | Promise<Reply>;

export interface TwimlServer {
  url: string;
  requests: Received[];
  app: FastifyInstance;
  close(): Promise<void>;
  /** Requests to one path, in arrival order. */
  to(path: string): Received[];
}

/** A tiny app that answers TwiML per path (default `<Response/>`) and records every request. */
export async function startTwimlServer(
  handlers: Record<string, Handler> = {},
): Promise<TwimlServer> {
  const app = Fastify();
  await app.register(formbody);
  const requests: Received[] = [];
  let base = '';
  app.all('/*', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    // Twilio puts parameters in the query string for GET and in the form body for POST.
    const params =
      ((req.method === 'GET' ? req.query : req.body) as Record<string, string> | undefined) ?? {};
    const received: Received = {
      method: req.method,
      path,
      url: `${base}${req.url}`,
      params,
      headers: req.headers,
    };
    requests.push(received);
    const handler = handlers[path];
    const out: Reply = handler ? await handler(params, received) : '<Response/>';
    const r = typeof out === 'string' ? { body: out } : out;
    if (r.delayMs) await new Promise((res) => setTimeout(res, r.delayMs));
    return reply
      .code(r.status ?? 200)
      .type(r.type ?? 'text/xml')
      .send(r.body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: base,
    requests,
    app,
    close: () => app.close(),
    to: (path) => requests.filter((r) => r.path === path),
  };
}

export const twiml = (inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

/** Polls until `check` holds (the simulator's conferences run in real time). */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
