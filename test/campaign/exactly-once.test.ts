import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignStack } from '../helpers/campaign-stack';
import { loadIvr } from '../helpers/env';
import { callsTo, contact, rows, run } from './helpers';

let stack: CampaignStack;

describe('exactly-once dialing', () => {
  beforeAll(async () => {
    stack = await CampaignStack.start(loadIvr('test-line'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('the Twilio worker dies between Twilio answering the create and the answer being recorded: one call', async () => {
    const phone = '+14155550401';
    // Callbacks come late, so the attempt can only learn of the call from Twilio's Calls list.
    stack.sim.setParty(phone, {
      answer: 'answer',
      gathers: [{ digits: '0' }],
      faults: { callbacks: { delayMs: 9000 } },
    });
    let created!: (sid: string) => void;
    const createdSid = new Promise<string>((r) => (created = r));
    await stack.stopTwilioWorker();
    await stack.startTwilioWorker((activities) => ({
      ...activities,
      async createPacedCall(input) {
        const result = await activities.createPacedCall(input);
        if (result.kind === 'created') {
          created(result.call.sid);
          // Twilio has the call; this worker never reports it: it is stopped right here, and
          // what reaches Temporal is the shutdown's cancellation, never the CallSid.
          await Context.current().cancelled;
        }
        return result;
      },
    }));
    const { campaignId, handle } = await run(stack, [contact(phone)], { createTimeoutSeconds: 3 });
    const sid = await createdSid;
    await stack.stopTwilioWorker();
    await stack.startTwilioWorker();
    const result = await handle.result();
    expect(result.progress).toMatchObject({ answered: 1, dialed: 1 });
    expect(callsTo(stack, phone).map((c) => c.sid)).toEqual([sid]);
    expect(await rows(stack, campaignId)).toMatchObject([{ outcome: 'answered', attempts: 1 }]);
    const { rows: intents } = await stack.db.query<{ call_sid: string }>(
      'SELECT call_sid FROM dial_intents WHERE campaign_id = $1',
      [campaignId],
    );
    expect(intents).toEqual([{ call_sid: sid }]);
  });
});
