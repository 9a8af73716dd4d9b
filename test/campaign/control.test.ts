import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact } from '../../src/campaign/contacts';
import { addOptOut } from '../../src/suppression/store';
import {
  cancelCampaignUpdate,
  campaignStatusQuery,
  pauseCampaignUpdate,
  resumeCampaignUpdate,
  setRateUpdate,
  type CampaignSettings,
} from '../../workflows/campaign/definitions';
import { attemptStatusQuery } from '../../workflows/attempt/definitions';
import { attemptWorkflowId } from '../../workflows/shared/ids';
import { CampaignStack } from '../helpers/campaign-stack';
import { loadIvr } from '../helpers/env';
import { FROM, callsTo, contact, rows, run, smsTo, until } from './helpers';

let stack: CampaignStack;
const start = (contacts: Contact[], s: Partial<CampaignSettings> = {}) => run(stack, contacts, s);

/** The attempt of a contact, once it exists. */
async function attemptPhase(campaignId: string, contactId: number): Promise<string> {
  try {
    const handle = stack.client.workflow.getHandle(attemptWorkflowId(campaignId, contactId));
    return (await handle.query(attemptStatusQuery)).phase;
  } catch {
    return 'not started';
  }
}

describe('campaign control and suppression through the simulator', () => {
  beforeAll(async () => {
    stack = await CampaignStack.start(loadIvr('test-line'), {
      CAMPAIGN_CONTACT_MAX_ATTEMPTS: '2',
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('STOP before the campaign: the number is never called nor texted', async () => {
    const phone = '+14155550301';
    await addOptOut(stack.db, phone, 'test');
    const { campaignId, handle } = await start([contact(phone)]);
    const result = await handle.result();
    expect(result.progress).toMatchObject({ suppressed: 1, dialed: 0, smsSent: 0 });
    expect(callsTo(stack, phone)).toHaveLength(0);
    expect(smsTo(stack, phone)).toHaveLength(0);
    expect(await rows(stack, campaignId)).toMatchObject([{ outcome: 'suppressed', attempts: 0 }]);
  });

  it('STOP during: an attempt waiting to retry stops at once, no further call, no SMS', async () => {
    const phone = '+14155550302';
    stack.sim.setParty(phone, { answer: 'busy' });
    const { campaignId, handle } = await start([contact(phone)], { retryAfterSeconds: 3600 });
    await until(
      async () => (await attemptPhase(campaignId, 1)) === 'waiting to retry',
      'the attempt to wait for its retry',
    );
    const sms = await stack.sim.sendInboundSms({
      from: phone,
      to: FROM,
      body: 'stop',
      url: `${stack.baseUrl}/sms/inbound`,
    });
    expect(sms.optOut).toBe('STOP');
    const result = await handle.result();
    expect(result.progress).toMatchObject({ suppressed: 1, dialed: 1, smsSent: 0 });
    expect(callsTo(stack, phone)).toHaveLength(1);
    expect(smsTo(stack, phone)).toHaveLength(0);
  });

  it('the per-number cap holds across campaigns', async () => {
    const phone = '+14155550303';
    stack.sim.setParty(phone, { answer: 'no-answer' });
    const first = await start([contact(phone)], { maxAttempts: 2, sms: undefined });
    expect((await first.handle.result()).progress).toMatchObject({ noAnswer: 1, dialed: 2 });
    const second = await start([contact(phone)], { maxAttempts: 3, sms: undefined });
    expect((await second.handle.result()).progress).toMatchObject({ capped: 1, dialed: 0 });
    expect(callsTo(stack, phone)).toHaveLength(2);
  });

  it('pause holds every attempt, resume finishes the campaign', async () => {
    const phones = ['+14155550311', '+14155550312', '+14155550313', '+14155550314'];
    for (const p of phones) stack.sim.setParty(p, { answer: 'answer', gathers: [{ digits: '0' }] });
    const { handle } = await start(
      phones.map((p) => contact(p)),
      { cps: 0.5 },
    );
    const paused = await handle.executeUpdate(pauseCampaignUpdate);
    expect(paused.state).toBe('paused');
    const before = phones.flatMap((p) => callsTo(stack, p)).length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(phones.flatMap((p) => callsTo(stack, p)).length).toBe(before);
    expect(before).toBeLessThan(phones.length);
    expect((await handle.executeUpdate(resumeCampaignUpdate)).state).toBe('running');
    const result = await handle.result();
    expect(result.progress).toMatchObject({ answered: 4, done: 4 });
    for (const p of phones) expect(callsTo(stack, p)).toHaveLength(1);
  });

  it('rate change reaches the pacing of a running campaign; a bad rate is refused', async () => {
    const phones = ['+14155550321', '+14155550322', '+14155550323'];
    for (const p of phones) stack.sim.setParty(p, { answer: 'answer', gathers: [{ digits: '0' }] });
    const { campaignId, handle } = await start(
      phones.map((p) => contact(p)),
      { cps: 0.2 },
    );
    const changed = await handle.executeUpdate(setRateUpdate, { args: [20] });
    expect(changed.cps).toBe(20);
    const { rows: stored } = await stack.db.query<{ cps: number }>(
      'SELECT cps FROM campaigns WHERE campaign_id = $1',
      [campaignId],
    );
    expect(stored[0]?.cps).toBe(20);
    await expect(handle.executeUpdate(setRateUpdate, { args: [0] })).rejects.toThrow();
    // At 0.2 cps three calls take ten seconds; at 20 they are done at once.
    const startedAt = Date.now();
    await handle.result();
    expect(Date.now() - startedAt).toBeLessThan(8000);
    expect(phones.flatMap((p) => callsTo(stack, p))).toHaveLength(3);
  });

  it('cancel: waiting attempts end as canceled, the campaign closes canceled', async () => {
    const phone = '+14155550331';
    stack.sim.setParty(phone, { answer: 'busy' });
    const { campaignId, handle } = await start([contact(phone)], {
      retryAfterSeconds: 3600,
      sms: undefined,
    });
    await until(
      async () => (await attemptPhase(campaignId, 1)) === 'waiting to retry',
      'the attempt to wait for its retry',
    );
    expect((await handle.executeUpdate(cancelCampaignUpdate)).state).toBe('canceled');
    const result = await handle.result();
    expect(result.state).toBe('canceled');
    expect(result.progress).toMatchObject({ canceled: 1, dialed: 1, done: 1 });
    expect(await rows(stack, campaignId)).toMatchObject([{ outcome: 'canceled' }]);
    expect((await handle.query(campaignStatusQuery)).state).toBe('canceled');
  });

  it('a 20429 storm on create: never processed, retried in new slots, each contact dialed once', async () => {
    const phones = ['+14155550341', '+14155550342', '+14155550343'];
    for (const p of phones) stack.sim.setParty(p, { answer: 'answer', gathers: [{ digits: '0' }] });
    const injected = stack.sim.core.faults.restErrors;
    stack.sim.setFaults({ rest: { routes: ['calls.create'], burst: 6 } });
    try {
      const { handle } = await start(phones.map((p) => contact(p)));
      const result = await handle.result();
      expect(result.progress).toMatchObject({ answered: 3, dialed: 3 });
    } finally {
      stack.sim.setFaults({});
    }
    expect(stack.sim.core.faults.restErrors - injected).toBe(6);
    for (const p of phones) expect(callsTo(stack, p)).toHaveLength(1);
  });
});
