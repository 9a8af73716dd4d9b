import type { Contact } from '../../src/campaign/contacts';
import { startCampaign } from '../../src/campaign/start';
import type { CampaignSettings } from '../../workflows/campaign/definitions';
import type { CampaignStack } from '../helpers/campaign-stack';

export const FROM = '+15005550006';

export function settings(overrides: Partial<CampaignSettings> = {}): CampaignSettings {
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

export const contact = (phone: string, extra: Partial<Contact> = {}): Contact => ({
  line: 2,
  phone,
  timeZone: 'America/New_York',
  variables: {},
  ...extra,
});

let seq = 0;
export async function run(
  stack: CampaignStack,
  contacts: Contact[],
  s: Partial<CampaignSettings> = {},
) {
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

export async function rows(stack: CampaignStack, campaignId: string) {
  const { rows } = await stack.db.query<{
    contact_id: number;
    outcome: string | null;
    attempts: number;
    sms_status: string | null;
    answered_by: string | null;
  }>(
    `SELECT contact_id, outcome, attempts, sms_status, answered_by FROM campaign_contacts
      WHERE campaign_id = $1 ORDER BY contact_id`,
    [campaignId],
  );
  return rows;
}

export const callsTo = (stack: CampaignStack, phone: string) =>
  [...stack.sim.core.store.calls.values()].filter((c) => c.to === phone);
export const smsTo = (stack: CampaignStack, phone: string) =>
  [...stack.sim.core.store.messages.values()].filter(
    (m) => m.to === phone && m.direction === 'outbound-api',
  );

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
