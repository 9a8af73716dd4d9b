import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaign } from '../../src/campaign/start';
import type { Contact } from '../../src/campaign/contacts';
import type { CampaignSettings } from '../../workflows/campaign/definitions';
import { campaignStatusQuery } from '../../workflows/campaign/definitions';
import { loadIvr } from '../helpers/env';
import { CampaignStack } from '../helpers/campaign-stack';

let stack: CampaignStack;
const FROM = '+15005550006';

function settings(overrides: Partial<CampaignSettings> = {}): CampaignSettings {
  return {
    name: 'test',
    from: FROM,
    ivrId: 'test-line',
    cps: 5,
    maxConcurrent: 5,
    window: { start: '00:00', end: '24:00' },
    maxAttempts: 3,
    retryAfterSeconds: 1,
    amd: 'off',
    sms: 'We tried to reach you.',
    createTimeoutSeconds: 5,
    ...overrides,
  };
}

const contact = (phone: string, extra: Partial<Contact> = {}): Contact => ({
  line: 2,
  phone,
  timeZone: 'America/New_York',
  variables: {},
  ...extra,
});

let seq = 0;
async function run(contacts: Contact[], s: Partial<CampaignSettings> = {}) {
  seq += 1;
  const campaignId = `t${Date.now().toString(36)}${seq}`;
  const handle = await startCampaign(stack.client, {
    campaignId,
    settings: settings(s),
    contacts,
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    twilioTaskQueue: stack.twilioTaskQueue,
  });
  return { campaignId, handle };
}

async function rows(campaignId: string) {
  const { rows } = await stack.db.query<{
    contact_id: number;
    outcome: string;
    attempts: number;
    sms_status: string | null;
    answered_by: string | null;
  }>(
    'SELECT contact_id, outcome, attempts, sms_status, answered_by FROM campaign_contacts WHERE campaign_id = $1 ORDER BY contact_id',
    [campaignId],
  );
  return rows;
}

const callsTo = (phone: string) =>
  [...stack.sim.core.store.calls.values()].filter((c) => c.to === phone);

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
});
