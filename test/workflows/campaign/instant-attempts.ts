/**
 * Workflows for the contact-batch test: the real campaign workflow, and in place of the real
 * attempt one that answers at once, so a test can start hundreds of them in seconds.
 */
import { getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
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
  // Id and parent as the real attempt has them: a contact started twice fails the campaign.
  if (!workflowInfo().workflowId.endsWith(`-${input.contact.id}`)) throw new Error('bad id');
  await getExternalWorkflowHandle(input.parentWorkflowId).signal(attemptReportSignal, report);
  return report;
}
