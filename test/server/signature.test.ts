import formbody from '@fastify/formbody';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../src/server/errors';
import { assertTwilioSignature } from '../../src/server/twilio-signature';
import { AUTH_TOKEN, testConfig } from '../helpers/env';

// Not imported from ./harness, which builds the whole app: this file tests the check alone.
const FORM = 'application/x-www-form-urlencoded';
const CALL_SID = 'CA' + '0123456789abcdef'.repeat(2);
function encodeForm(params: Record<string, string | string[]>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  }
  return form.toString();
}

/**
 * The signature check on its own, in front of a route that echoes what it was given: these tests
 * do not depend on the voice routes, and a 200 here means "would have reached the route".
 */
async function app(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = testConfig(env);
  const server = Fastify({
    trustProxy: config.TRUSTED_PROXIES.length > 0 ? [...config.TRUSTED_PROXIES] : false,
  });
  registerErrorHandler(server);
  server.removeAllContentTypeParsers();
  await server.register(formbody);
  server.post(
    '/voice/event',
    { preHandler: (request) => Promise.resolve(assertTwilioSignature(request, config)) },
    (request) => ({ query: request.query }),
  );
  return server;
}

let server: FastifyInstance | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const BASE = 'http://127.0.0.1:3000';
const PATH = `/voice/event?wf=call-${CALL_SID}&step=3.main&on=gather`;
const BODY = { CallSid: CALL_SID, Digits: '1' };
const sign = (url: string, params: Record<string, string | string[]> = BODY): string =>
  twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);

function post(
  path: string,
  signature: string,
  params: Record<string, string | string[]> = BODY,
  extra: Partial<InjectOptions> = {},
): InjectOptions {
  return {
    method: 'POST',
    url: path,
    payload: encodeForm(params),
    ...extra,
    headers: { 'content-type': FORM, 'x-twilio-signature': signature, ...extra.headers },
  };
}

async function status(options: InjectOptions, env?: Record<string, string>): Promise<number> {
  server = await app(env);
  const res = await server.inject(options);
  await server.close();
  server = undefined;
  return res.statusCode;
}

describe('Twilio signature over the URL as received', () => {
  it('passes a request signed for its URL and body', async () => {
    server = await app();
    const res = await server.inject(post(PATH, sign(`${BASE}${PATH}`)));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      query: { wf: `call-${CALL_SID}`, step: '3.main', on: 'gather' },
    });
  });

  it('refuses a captured request replayed with a padded query and a parameter appended', async () => {
    const signature = sign(`${BASE}${PATH}`);
    const padded = `${PATH}${'&'.repeat(1000)}&replay=anything`;
    // The bypass: twilio.validateRequest re-encodes the query with querystring.parse, which stops
    // at 1,000 pairs, drops `replay` and so finds the signature of the unpadded URL. Before issue
    // 10 assertTwilioSignature relied on it and let this request through to the route.
    expect(twilio.validateRequest(AUTH_TOKEN, signature, `${BASE}${padded}`, BODY)).toBe(true);
    server = await app();
    const res = await server.inject(post(padded, signature));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
    // Unpadded, the appended parameter is simply not covered by the signature.
    expect((await server.inject(post(`${PATH}&replay=anything`, signature))).statusCode).toBe(403);
  });

  it.each([
    ['a repeated key', `${PATH}&step=4.main`],
    ['a repeated key spelled with an escape', `${PATH}&st%65p=4.main`],
    ['an empty pair', `/voice/event?wf=call-${CALL_SID}&&step=3.main&on=gather`],
    ['a trailing &', `${PATH}&`],
    ['an empty key', `${PATH}&=x`],
    ['a malformed escape in a value', `${PATH}&x=%E0%A4%A`],
    ['a malformed escape in a key', `${PATH}&%E0%A4%A=x`],
    ['nine parameters', `${PATH}&a=1&b=2&c=3&d=4&e=5&f=6`],
    ['a query over 2048 characters', `${PATH}&st=${'a'.repeat(2049 - PATH.length + 14)}`],
  ])('refuses %s with 400 even when the signature covers it', async (_name, path) => {
    expect(await status(post(path, sign(`${BASE}${path}`)))).toBe(400);
  });

  it('accepts a query right at the bounds', async () => {
    const eight = `${PATH}&a=1&b=2&c=3&d=4&e=5`;
    expect(await status(post(eight, sign(`${BASE}${eight}`)))).toBe(200);
    const query = PATH.slice(PATH.indexOf('?') + 1);
    const longest = `${PATH}&st=${'a'.repeat(2048 - query.length - 4)}`;
    expect(longest.length - longest.indexOf('?') - 1).toBe(2048);
    expect(await status(post(longest, sign(`${BASE}${longest}`)))).toBe(200);
  });

  it('refuses a body parameter added, changed or repeated after signing', async () => {
    const signature = sign(`${BASE}${PATH}`);
    expect(await status(post(PATH, signature, { ...BODY, SpeechResult: 'yes' }))).toBe(403);
    expect(await status(post(PATH, signature, { ...BODY, Digits: '2' }))).toBe(403);
    // The twilio package deduplicates repeated values, so a value sent twice passes there.
    const repeated = { ...BODY, Digits: ['1', '1'] };
    expect(twilio.validateRequest(AUTH_TOKEN, signature, `${BASE}${PATH}`, repeated)).toBe(true);
    expect(await status(post(PATH, signature, repeated))).toBe(403);
  });

  it('signs a repeated body parameter value by value, in sorted order', async () => {
    const params = { CallSid: CALL_SID, Digits: ['2', '1'] };
    const signature = sign(`${BASE}${PATH}`, params);
    expect(await status(post(PATH, signature, params))).toBe(200);
  });

  it('answers 403 invalid_signature to a missing, empty or ill-formed signature', async () => {
    for (const headers of [{}, { 'x-twilio-signature': '' }, { 'x-twilio-signature': 'abc' }]) {
      server = await app();
      const res = await server.inject({
        method: 'POST',
        url: PATH,
        payload: encodeForm(BODY),
        headers: { 'content-type': FORM, ...headers },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'invalid_signature' });
      await server.close();
    }
    server = undefined;
  });

  it('refuses a signature for another host or scheme', async () => {
    expect(await status(post(PATH, sign(`https://evil.example${PATH}`)))).toBe(403);
    expect(await status(post(PATH, sign(`https://127.0.0.1:3000${PATH}`)))).toBe(403);
  });
});

describe('default ports', () => {
  it.each([
    ['https://voice.example.com', `https://voice.example.com:443${PATH}`],
    ['https://voice.example.com:443', `https://voice.example.com${PATH}`],
    ['https://voice.example.com:443', `https://voice.example.com:443${PATH}`],
    ['http://voice.example.com', `http://voice.example.com:80${PATH}`],
    ['http://voice.example.com:80', `http://voice.example.com${PATH}`],
  ])('with PUBLIC_BASE_URL %s, accepts a signature over %s', async (base, signed) => {
    expect(await status(post(PATH, sign(signed)), { PUBLIC_BASE_URL: base })).toBe(200);
  });

  it.each([
    ['https://voice.example.com', `https://voice.example.com:8443${PATH}`],
    ['https://voice.example.com', `https://voice.example.com:80${PATH}`],
    ['http://voice.example.com', `http://voice.example.com:443${PATH}`],
    ['https://voice.example.com:8443', `https://voice.example.com${PATH}`],
  ])('with PUBLIC_BASE_URL %s, refuses a signature over %s', async (base, signed) => {
    expect(await status(post(PATH, sign(signed)), { PUBLIC_BASE_URL: base })).toBe(403);
  });
});

describe('behind a trusted proxy', () => {
  const PROXY = { TRUSTED_PROXIES: '10.0.0.7' };
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'voice.example.com' };

  it('accepts a signature over the forwarded URL, with or without :443', async () => {
    for (const signed of [
      `https://voice.example.com${PATH}`,
      `https://voice.example.com:443${PATH}`,
    ]) {
      const options = post(PATH, sign(signed), BODY, {
        headers: forwarded,
        remoteAddress: '10.0.0.7',
      });
      expect(await status(options, PROXY)).toBe(200);
    }
  });

  it('ignores forwarded headers from anyone else', async () => {
    const options = post(PATH, sign(`https://voice.example.com${PATH}`), BODY, {
      headers: forwarded,
      remoteAddress: '203.0.113.9',
    });
    expect(await status(options, PROXY)).toBe(403);
  });

  it('bounds the query of a forwarded request too', async () => {
    const padded = `${PATH}${'&'.repeat(1000)}&replay=x`;
    const options = post(padded, sign(`https://voice.example.com${PATH}`), BODY, {
      headers: forwarded,
      remoteAddress: '10.0.0.7',
    });
    expect(await status(options, PROXY)).toBe(400);
  });
});

describe('over a real socket', () => {
  /** inject() normalises the URL with `new URL`; a socket delivers the request line untouched. */
  async function send(path: string, signature: string): Promise<number> {
    server = await app();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const payload = encodeForm(BODY);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path,
          headers: { 'content-type': FORM, 'x-twilio-signature': signature },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('hashes the query as sent, and refuses a signature over a re-encoded form of it', async () => {
    const raw = `${PATH}&st=it's`;
    expect(await send(raw, sign(`${BASE}${raw}`))).toBe(200);
    await server?.close();
    // The twilio package also tries `new URL(url)`, which escapes the quote: a second URL that
    // Twilio never signed would pass there.
    const reencoded = `${BASE}${PATH}&st=it%27s`;
    expect(twilio.validateRequest(AUTH_TOKEN, sign(reencoded), `${BASE}${raw}`, BODY)).toBe(true);
    expect(await send(raw, sign(reencoded))).toBe(403);
  });

  it('refuses an empty query, which inject() would drop', async () => {
    expect(await send('/voice/event?', sign(`${BASE}/voice/event?`))).toBe(400);
  });
});
