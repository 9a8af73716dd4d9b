import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/sim';
import { startTwimlServer, twiml, type TwimlServer } from './helpers';

describe('webhook signatures', () => {
  let sim: Simulator;
  let app: TwimlServer;

  beforeAll(async () => {
    sim = buildSimulator({ seed: 3, authToken: 'a-very-secret-auth-token-123' });
    app = await startTwimlServer({
      '/voice': () =>
        twiml('<Gather action="/get-action?step=2&amp;x=y" method="GET"><Say>Press</Say></Gather>'),
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('signs POST and GET requests so twilio.validateRequest accepts them, and a tampered one fails', async () => {
    const run = await sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}/voice?tenant=a`,
      script: { gathers: [{ digits: '42#' }] },
    });
    expect(run.status).toBe('completed');
    const [post] = app.to('/voice');
    const [get] = app.to('/get-action');
    expect(post?.method).toBe('POST');
    expect(get?.method).toBe('GET');
    expect(get?.params.Digits).toBe('42');

    const sig = (r: typeof post): string => String(r?.headers['x-twilio-signature']);
    expect(twilio.validateRequest(sim.authToken, sig(post), post!.url, post!.params)).toBe(true);
    // GET parameters ride in the URL, which is what gets signed.
    expect(twilio.validateRequest(sim.authToken, sig(get), get!.url, {})).toBe(true);

    expect(
      twilio.validateRequest(sim.authToken, sig(post), post!.url, { ...post!.params, Digits: '9' }),
    ).toBe(false);
    expect(
      twilio.validateRequest('another-token-another-token', sig(post), post!.url, post!.params),
    ).toBe(false);
    expect(
      twilio.validateRequest(sim.authToken, sig(post), `${app.url}/voice?tenant=b`, post!.params),
    ).toBe(false);
    expect(
      twilio.validateRequest(sim.authToken, `${sig(post).slice(0, -2)}xx`, post!.url, post!.params),
    ).toBe(false);
  });

  it('sends the parameters Twilio documents for an incoming call', async () => {
    const run = await sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}/voice`,
    });
    const first = app.to('/voice').find((r) => r.params.CallSid === run.callSid);
    expect(first?.params).toMatchObject({
      AccountSid: sim.accountSid,
      ApiVersion: '2010-04-01',
      CallStatus: 'ringing',
      Direction: 'inbound',
      From: '+14155550100',
      To: '+15005550006',
      Caller: '+14155550100',
      Called: '+15005550006',
    });
    expect(first?.params.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(first?.params.ParentCallSid).toBeUndefined();
    expect(first?.headers['i-twilio-idempotency-token']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });
});
