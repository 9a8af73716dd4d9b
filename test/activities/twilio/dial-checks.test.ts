import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioFailureType } from '../../../workflows/shared/twilio-constants';
import { startSimTwilio, type SimTwilio } from './sim';

const FROM = '+14155550100';
const TWIML = '<Response><Say>hi</Say></Response>';

describe('createCall checks its destination and routes SIP and BYOC calls', () => {
  let t: SimTwilio;
  beforeAll(async () => {
    t = await startSimTwilio();
  });
  afterAll(() => t.close());

  it.each([
    ['4155550100', /must start with \+ and a country code/],
    ['sip:pbx.example.com', /no user part/],
    ['+1415', /E.164 allows 7 to 15/],
  ])('refuses %s before any request, as a permanent failure', async (to, reason) => {
    const before = t.sim.core.store.calls.size;
    const err = await t.activities.createCall({ to, from: FROM, twiml: TWIML }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(TwilioFailureType.permanent);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(reason);
    expect(failure.details?.[0]).toMatchObject({ code: 21211 });
    expect(t.sim.core.store.calls.size).toBe(before);
  });

  it('passes SIP credentials, a BYOC trunk and a caller ID to Twilio', async () => {
    t.sim.setParty('sip:desk@pbx.example.com', { sipAuth: { username: 'u', password: 'p' } });
    const sip = await t.activities.createCall({
      to: 'sip:desk@pbx.example.com',
      from: FROM,
      twiml: TWIML,
      sipAuth: { username: 'u', password: 'p' },
    });
    expect((await t.sim.waitForCall(sip.sid)).status).toBe('completed');

    const trunk = t.sim.addByocTrunk({ friendlyName: 'carrier' });
    const byoc = await t.activities.createCall({
      to: '+15005550140',
      from: FROM,
      callerId: '+14155550199',
      byoc: trunk.sid,
      twiml: TWIML,
    });
    expect(byoc.from).toBe('+14155550199');
    expect(t.sim.core.store.calls.get(byoc.sid)?.trunkSid).toBe(trunk.sid);
  });
});
