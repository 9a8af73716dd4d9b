/**
 * Workflows for the contact-batch test: the real campaign workflow, and in place of the real
 * attempt one that answers at once, so a test can start hundreds of them in seconds.
 */
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import type { AttemptInput, AttemptReport } from '../../../workflows/attempt/definitions';
import { attemptReportSignal } from '../../../workflows/campaign/definitions';

export { campaignWorkflow } from '../../../workflows/campaign/workflow';

export async function outboundAttemptWorkflow(input: AttemptInput): Promise<AttemptReport> {
  const report: AttemptReport = {
    kind: 'done',
    contactId: input.contact.id,
    outcome: 'answered',
    calls: 1,
    smsSent: false,
  };
  // Reports to the campaign as the real attempt does; a contact started twice fails the campaign
  // (its attempt's workflow id is already taken).
  await getExternalWorkflowHandle(input.parentWorkflowId).signal(attemptReportSignal, report);
  return report;
}
