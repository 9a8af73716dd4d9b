import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { attemptWorkflowId } from '../../workflows/shared/ids';
import { CampaignStack } from '../helpers/campaign-stack';
import { loadIvr } from '../helpers/env';
import { contact, run } from '../campaign/helpers';

const dir = path.resolve(__dirname, '..', 'fixtures', 'histories', 'campaign');
const recording = process.env.RECORD_HISTORIES === '1';

/**
 * Records the campaign family's replay fixtures (`RECORD_HISTORIES=1 npx vitest run
 * test/replay/campaign-record.test.ts`): one campaign with an answered contact and one that is
 * busy twice and gets the SMS, through the simulator.
 */
describe.runIf(recording)('record campaign histories', () => {
  it('records a campaign and its attempts', async () => {
    const stack = await CampaignStack.start(loadIvr('test-line'));
    try {
      const answered = '+14155550501';
      const busy = '+14155550502';
      stack.sim.setParty(answered, { answer: 'answer', gathers: [{ digits: '0' }] });
      stack.sim.setParty(busy, { answer: 'busy' });
      const { campaignId, handle } = await run(stack, [contact(answered), contact(busy)], {
        maxAttempts: 2,
      });
      const result = await handle.result();
      expect(result.progress).toMatchObject({ answered: 1, busy: 1, smsSent: 1 });
      const save = async (name: string, workflowId: string): Promise<void> => {
        const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(path.join(dir, `${name}.json`), historyToJSON(history));
      };
      await save('campaign-two-contacts', handle.workflowId);
      await save('attempt-answered', attemptWorkflowId(campaignId, 1));
      await save('attempt-busy-twice-sms', attemptWorkflowId(campaignId, 2));
    } finally {
      await stack.stop();
    }
  });
});
