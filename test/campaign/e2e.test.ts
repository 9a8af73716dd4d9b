import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact } from '../../src/campaign/contacts';
import type { CampaignSettings } from '../../workflows/campaign/definitions';
import { campaignStatusQuery } from '../../workflows/campaign/definitions';
import { attemptWorkflowId } from '../../workflows/shared/ids';
import { loadIvr } from '../helpers/env';
import { CampaignStack } from '../helpers/campaign-stack';
import {
  callsTo as callsOf,
  contact,
  rows as contactRows,
  run as runCampaign,
  smsTo as smsOf,
  until,
} from './helpers';

let stack: CampaignStack;
const run = (contacts: Contact[], s: Partial<CampaignSettings> = {}) =>
  runCampaign(stack, contacts, s);
const rows = (campaignId: string) => contactRows(stack, campaignId);
const callsTo = (phone: string) => callsOf(stack, phone);
const smsTo = (phone: string) => smsOf(stack, phone);

describe('outbound campaigns through the simulator', () => {
  beforeAll(async () => {
    stack = await CampaignStack.start(loadIvr('test-line'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answered human: dialed once, runs the IVR, no SMS', async () => {
    const phone = '+14155550201';
    stack.sim.setParty(phone, { answer: 'answer', gathers: [{ digits: '0' }] });
    const { campaignId, handle } = await run([contact(phone)]);
    const result = await handle.result();
    expect(result.state).toBe('completed');
    expect(result.progress).toMatchObject({
      total: 1,
      done: 1,
      answered: 1,
      dialed: 1,
      smsSent: 0,
    });
    expect(callsTo(phone)).toHaveLength(1);
    expect(await rows(campaignId)).toMatchObject([{ outcome: 'answered', attempts: 1 }]);
    const status = await handle.query(campaignStatusQuery);
    expect(status.progress.done).toBe(1);
  });

  it('busy, then answered on the retry: two calls, one budget, no SMS', async () => {
    const phone = '+14155550202';
    stack.sim.setParty(phone, { answer: 'busy' });
    const { campaignId, handle } = await run([contact(phone)]);
    await until(() => callsTo(phone).some((c) => c.status === 'busy'), 'the busy call');
    stack.sim.setParty(phone, { answer: 'answer', gathers: [{ digits: '0' }] });
    const result = await handle.result();
    expect(result.progress).toMatchObject({ answered: 1, dialed: 2, busy: 0, smsSent: 0 });
    expect(callsTo(phone)).toHaveLength(2);
    expect(await rows(campaignId)).toMatchObject([{ outcome: 'answered', attempts: 2 }]);
  });

  it('no-answer every time: the budget is spent, then the SMS fallback is delivered', async () => {
    const phone = '+14155550203';
    stack.sim.setParty(phone, { answer: 'no-answer' });
    const { campaignId, handle } = await run([contact(phone)], { maxAttempts: 2 });
    const result = await handle.result();
    expect(result.progress).toMatchObject({ noAnswer: 1, dialed: 2, smsSent: 1 });
    expect(callsTo(phone)).toHaveLength(2);
    expect(smsTo(phone)).toHaveLength(1);
    expect(smsTo(phone)[0]?.body).toBe('We tried to reach you.');
    expect(await rows(campaignId)).toMatchObject([
      { outcome: 'no-answer', attempts: 2, sms_status: 'delivered' },
    ]);
  });

  it('failed: never retried, the SMS fallback follows its status to undelivered', async () => {
    const phone = '+14155550204';
    stack.sim.setParty(phone, { answer: 'failed' });
    stack.sim.setMessageOutcome(phone, 'undelivered');
    const { campaignId, handle } = await run([contact(phone)]);
    const result = await handle.result();
    expect(result.progress).toMatchObject({ failed: 1, dialed: 1, smsSent: 1 });
    expect(callsTo(phone)).toHaveLength(1);
    expect(await rows(campaignId)).toMatchObject([
      { outcome: 'failed', attempts: 1, sms_status: 'undelivered' },
    ]);
  });

  it('machine: AMD detects the end of the greeting, the voicemail is left after the beep', async () => {
    const phone = '+14155550205';
    stack.sim.setParty(phone, { answer: 'machine', answeredBy: 'machine_end_beep' });
    const { campaignId, handle } = await run([contact(phone)], {
      amd: 'voicemail',
      voicemailMessage: 'Hello from Switchboard, please call us back.',
    });
    const result = await handle.result();
    expect(result.progress).toMatchObject({ machine: 1, dialed: 1, smsSent: 0 });
    const [call] = callsTo(phone);
    const run1 = await stack.sim.waitForCall(call?.sid as string);
    expect(run1.transcript.of('say').map((s) => s.text)).toContain(
      'Hello from Switchboard, please call us back.',
    );
    expect(await rows(campaignId)).toMatchObject([
      { outcome: 'machine', answered_by: 'machine_end_beep' },
    ]);
  });

  it('machine with amd hangup: the call is ended, counted as machine', async () => {
    const phone = '+14155550206';
    stack.sim.setParty(phone, { answer: 'machine', answeredBy: 'machine_start' });
    const { handle } = await run([contact(phone)], { amd: 'hangup' });
    const result = await handle.result();
    expect(result.progress).toMatchObject({ machine: 1, dialed: 1 });
  });

  it('an attempt done dialing frees its place while its SMS status is awaited', async () => {
    // cps 1 and one live call: three active attempts at most. Three fail and wait for an SMS
    // status that never comes; the fourth contact is dialed all the same.
    const failing = ['+14155550207', '+14155550208', '+14155550209'];
    for (const phone of failing) {
      stack.sim.setParty(phone, { answer: 'failed' });
      stack.sim.setMessageOutcome(phone, 'sent');
    }
    const last = '+14155550210';
    stack.sim.setParty(last, { answer: 'answer', gathers: [{ digits: '0' }] });
    const { campaignId, handle } = await run(
      [...failing, last].map((p) => contact(p)),
      {
        cps: 1,
        maxConcurrent: 1,
      },
    );
    try {
      await until(() => failing.every((p) => smsTo(p).length === 1), 'three SMS sent');
      await until(() => callsTo(last).length === 1, 'the fourth contact dialed');
      // The three are still waiting for their SMS status: none of them is done.
      const waiting = (await rows(campaignId)).filter((r) => r.contact_id <= failing.length);
      expect(waiting.map((r) => r.outcome)).toEqual([null, null, null]);
    } finally {
      await handle.terminate('test over: the SMS statuses never come').catch(() => undefined);
      for (let id = 1; id <= failing.length; id += 1) {
        await stack.client.workflow
          .getHandle(attemptWorkflowId(campaignId, id))
          .terminate('test over')
          .catch(() => undefined);
      }
    }
  });
});
