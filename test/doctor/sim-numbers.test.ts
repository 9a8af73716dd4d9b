import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/sim';
import { createTwilioClient, type TwilioClient } from '../../src/twilio/client';

let sim: Simulator;
let twilio: TwilioClient;

beforeAll(async () => {
  sim = buildSimulator({ seed: 3 });
  const base = await sim.start(0);
  twilio = createTwilioClient({
    accountSid: sim.accountSid,
    authToken: sim.authToken,
    apiBaseUrl: base,
  });
});

afterAll(async () => {
  await sim.close();
});

describe('simulator: IncomingPhoneNumbers through the real twilio client', () => {
  it('lists seeded numbers in pages, newest first, with Twilio field names', async () => {
    for (let i = 0; i < 5; i++) {
      sim.addNumber({ phoneNumber: `+1415555010${i}`, voiceUrl: `http://127.0.0.1/voice/${i}` });
    }
    const page = await twilio.incomingPhoneNumbers.page({ pageSize: 2 });
    expect(page.instances.map((n) => n.phoneNumber)).toEqual(['+14155550104', '+14155550103']);
    const all = await twilio.incomingPhoneNumbers.list({ pageSize: 2 });
    expect(all).toHaveLength(5);
    const [first] = await twilio.incomingPhoneNumbers.list({ phoneNumber: '+14155550100' });
    expect(first).toMatchObject({
      phoneNumber: '+14155550100',
      voiceUrl: 'http://127.0.0.1/voice/0',
      voiceMethod: 'POST',
      statusCallback: '',
      statusCallbackMethod: 'POST',
    });
    expect(first?.sid).toMatch(/^PN[0-9a-f]{32}$/);
  });

  it('creates, fetches, updates and releases a number', async () => {
    const created = await twilio.incomingPhoneNumbers.create({
      phoneNumber: '+15005550111',
      voiceUrl: 'https://example.com/voice/inbound',
      friendlyName: 'main line',
    });
    expect(created.friendlyName).toBe('main line');
    const updated = await twilio.incomingPhoneNumbers(created.sid).update({
      voiceMethod: 'GET',
      statusCallback: 'https://example.com/voice/status',
    });
    expect(updated).toMatchObject({
      voiceUrl: 'https://example.com/voice/inbound',
      voiceMethod: 'GET',
      statusCallback: 'https://example.com/voice/status',
    });
    const cleared = await twilio.incomingPhoneNumbers(created.sid).update({ statusCallback: '' });
    expect(cleared.statusCallback).toBe('');
    expect((await twilio.incomingPhoneNumbers(created.sid).fetch()).voiceMethod).toBe('GET');
    await twilio.incomingPhoneNumbers(created.sid).remove();
    await expect(twilio.incomingPhoneNumbers(created.sid).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('refuses a number that is not E.164, a duplicate and a relative Voice URL', async () => {
    await expect(
      twilio.incomingPhoneNumbers.create({ phoneNumber: '555-0100' }),
    ).rejects.toMatchObject({
      code: 21421,
    });
    sim.addNumber({ phoneNumber: '+15005550122' });
    await expect(
      twilio.incomingPhoneNumbers.create({ phoneNumber: '+15005550122' }),
    ).rejects.toMatchObject({ code: 21422 });
    await expect(
      twilio.incomingPhoneNumbers.create({ phoneNumber: '+15005550133', voiceUrl: '/voice' }),
    ).rejects.toMatchObject({ code: 21218 });
  });
});

describe('simulator: the account', () => {
  it('fetches the account, while the account-scoped lists still route', async () => {
    const account = await twilio.api.v2010.accounts(sim.accountSid).fetch();
    expect(account).toMatchObject({ sid: sim.accountSid, status: 'active' });
    await expect(twilio.calls.list({ limit: 1 })).resolves.toEqual([]);
  });

  it('answers a wrong auth token with 401 and code 20003', async () => {
    const wrong = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: 'not-the-token-0000000000',
      apiBaseUrl: sim.baseUrl,
    });
    await expect(wrong.api.v2010.accounts(sim.accountSid).fetch()).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });

  it('answers another account SID with 404', async () => {
    await expect(twilio.api.v2010.accounts('AC' + 'f'.repeat(32)).fetch()).rejects.toMatchObject({
      status: 404,
    });
  });
});
