import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { hashAgentKey, mintAgentKey } from '../../src/server/agents/keys';
import { TOKEN_LIMITS, type TokenResponse } from '../../src/server/agents/token';
import { ACCOUNT_SID } from '../helpers/env';
import { CALL_SID, CALLED, FORM, encodeForm, harness, signedPost, type Harness } from './harness';

// The twilio package signs with jsonwebtoken; verifying with it (not with our code) checks the
// signature under the API key secret, the algorithm and the expiry as Twilio would.
interface Jwt {
  verify(token: string, secret: string, options: { algorithms: string[] }): unknown;
}
const jwt = createRequire(require.resolve('twilio'))('jsonwebtoken') as Jwt;

interface VoiceClaims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  grants: {
    identity: string;
    voice: { outgoing: { application_sid: string }; incoming: { allow: boolean } };
  };
}

const API_KEY_SID = 'SK' + 'b'.repeat(32);
const API_KEY_SECRET = 'api-key-secret-0123456789abcdef';
const APP_SID = 'AP' + 'c'.repeat(32);
const CALLER_ID = '+15005550001';
const alice = mintAgentKey('alice');
const bob = mintAgentKey('bob');

const AGENT_ENV = {
  TWILIO_API_KEY_SID: API_KEY_SID,
  TWILIO_API_KEY_SECRET: API_KEY_SECRET,
  TWILIO_TWIML_APP_SID: APP_SID,
  AGENT_API_KEYS: `${alice.entry}, ${bob.entry}`,
  AGENT_CALLER_ID: CALLER_ID,
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.app.close();
  h = undefined;
});

async function agents(env: Record<string, string> = AGENT_ENV): Promise<Harness> {
  h = await harness(env);
  return h;
}

const tokenRequest = (key?: string, ip = '127.0.0.1') => ({
  method: 'POST' as const,
  url: '/voice/token',
  remoteAddress: ip,
  headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
});

describe('POST /voice/token', () => {
  it('issues a Voice token for the key’s agent that verifies under the API key secret', async () => {
    const app = (await agents()).app;
    const res = await app.inject(tokenRequest(alice.key));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<TokenResponse>();
    expect(body).toMatchObject({ identity: 'alice', ttlSeconds: 3600 });
    const claims = jwt.verify(body.token, API_KEY_SECRET, { algorithms: ['HS256'] }) as VoiceClaims;
    expect(claims.iss).toBe(API_KEY_SID);
    expect(claims.sub).toBe(ACCOUNT_SID);
    expect(claims.grants.identity).toBe('alice');
    expect(claims.grants.voice.outgoing.application_sid).toBe(APP_SID);
    expect(claims.grants.voice.incoming.allow).toBe(true);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(3600);
    expect(claims.exp - claims.iat).toBeGreaterThan(0);
    expect(() => jwt.verify(body.token, 'another-secret', { algorithms: ['HS256'] })).toThrow();
  });

  it('gives each agent its own identity and the configured lifetime', async () => {
    const app = (await agents({ ...AGENT_ENV, AGENT_TOKEN_TTL_SECONDS: '600' })).app;
    const body = (await app.inject(tokenRequest(bob.key))).json<TokenResponse>();
    const claims = jwt.verify(body.token, API_KEY_SECRET, { algorithms: ['HS256'] }) as VoiceClaims;
    expect(claims.grants.identity).toBe('bob');
    expect(claims.exp - claims.iat).toBe(600);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown key', mintAgentKey('alice').key],
    ['the configured hash instead of the key', hashAgentKey(alice.key)],
    ['an empty bearer', ''],
  ])('answers 401 unauthorized for %s', async (_label, key) => {
    const app = (await agents()).app;
    const res = await app.inject(tokenRequest(key));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'unauthorized' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body).not.toContain('eyJ');
  });

  it('limits each agent, whatever address it asks from', async () => {
    const app = (await agents()).app;
    const { max } = TOKEN_LIMITS.perAgent;
    for (let i = 0; i < max; i++) {
      const res = await app.inject(tokenRequest(alice.key, `10.0.0.${i + 1}`));
      expect(res.statusCode).toBe(200);
    }
    const over = await app.inject(tokenRequest(alice.key, '10.0.1.1'));
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Another agent is not held back by alice's limit.
    expect((await app.inject(tokenRequest(bob.key, '10.0.1.2'))).statusCode).toBe(200);
  });

  it('limits each address before checking keys, so keys cannot be guessed quickly', async () => {
    const app = (await agents()).app;
    for (let i = 0; i < TOKEN_LIMITS.perIp.max; i++) {
      expect((await app.inject(tokenRequest(`guess-${i}`, '10.9.9.9'))).statusCode).toBe(401);
    }
    const over = await app.inject(tokenRequest(alice.key, '10.9.9.9'));
    expect(over.statusCode).toBe(429);
    expect((await app.inject(tokenRequest(alice.key, '10.9.9.10'))).statusCode).toBe(200);
  });

  it('answers 503 when agents are not configured', async () => {
    const app = (await agents({})).app;
    const res = await app.inject(tokenRequest(alice.key));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'unavailable', message: 'agents not configured' });
  });
});

const clientCall = (from: string, to: string) => ({
  CallSid: CALL_SID,
  AccountSid: ACCOUNT_SID,
  From: from,
  To: to,
  Direction: 'inbound',
  CallStatus: 'ringing',
  ApiVersion: '2010-04-01',
});

describe('POST /voice/client', () => {
  async function post(from: string, to: string, env?: Record<string, string>) {
    const hh = await agents(env);
    const res = await hh.app.inject(signedPost(hh, '/voice/client', clientCall(from, to)));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    return res.body;
  }

  it('refuses an unsigned request with 403', async () => {
    const app = (await agents()).app;
    const res = await app.inject({
      method: 'POST',
      url: '/voice/client',
      headers: { 'content-type': FORM },
      payload: encodeForm(clientCall('client:alice', '+14155550123')),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'invalid_signature' });
  });

  it('dials a phone number from the agent caller ID, as typed on a dial pad', async () => {
    expect(await post('client:alice', '+1 (415) 555-0123')).toContain(
      `<Dial callerId="${CALLER_ID}" answerOnBridge="true"><Number>+14155550123</Number></Dial>`,
    );
  });

  it('dials a routed number of ours, so it comes back in as an inbound call to its IVR', async () => {
    expect(await post('client:alice', CALLED)).toContain(`<Number>${CALLED}</Number>`);
  });

  it('dials another agent’s browser', async () => {
    expect(await post('client:alice', 'client:bob')).toContain(
      '<Dial answerOnBridge="true"><Client>bob</Client></Dial>',
    );
  });

  it.each([
    ['an agent that is not configured', 'client:mallory', '+14155550123'],
    ['a caller that is not a browser', '+14155550100', '+14155550123'],
  ])('politely refuses %s', async (_label, from, to) => {
    const body = await post(from, to);
    expect(body).toContain('<Say>This phone is not allowed to place calls. Goodbye.</Say>');
    expect(body).toContain('<Hangup/>');
    expect(body).not.toContain('<Dial');
  });

  it.each([
    ['a client that is not an agent', 'client:mallory'],
    ['something that is not a number', '911; DROP'],
  ])('politely refuses to dial %s', async (_label, to) => {
    const body = await post('client:alice', to);
    expect(body).toContain('cannot be dialed');
    expect(body).toContain('<Hangup/>');
    expect(body).not.toContain('<Dial');
  });

  it('answers TwiML, not an error, when agents are not configured', async () => {
    const body = await post('client:alice', '+14155550123', {});
    expect(body).toContain('not available');
    expect(body).not.toContain('<Dial');
  });
});
