import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { campaignWorkflow } from '../../workflows/campaign/workflow';
import {
  CAMPAIGN_REVISION,
  type CampaignContact,
  type CampaignInput,
  type CampaignSettings,
} from '../../workflows/campaign/definitions';
import { CAMPAIGN_WORKFLOW_TYPE, campaignWorkflowId } from '../../workflows/shared/ids';
import { CampaignIdKey } from '../../workflows/shared/search-attributes';
import type { Contact, RejectedRow } from './contacts';

export interface StartCampaign {
  campaignId: string;
  settings: CampaignSettings;
  contacts: Contact[];
  rejected?: RejectedRow[];
  taskQueue: string;
  twilioTaskQueue?: string;
}

/** Contacts numbered 1…n in CSV order: a contact's id is stable across retries of the start. */
export function numberContacts(contacts: Contact[]): CampaignContact[] {
  return contacts.map((c, i) => ({ ...c, id: i + 1 }));
}

/** The start options of `campaign-{id}`: the CLI and code using the Temporal client share them. */
export function campaignStartOptions(
  start: StartCampaign,
): WorkflowStartOptions<typeof campaignWorkflow> {
  const input: CampaignInput = {
    campaignId: start.campaignId,
    settings: start.settings,
    contacts: numberContacts(start.contacts),
    rejected: start.rejected ?? [],
    revision: CAMPAIGN_REVISION,
    ...(start.twilioTaskQueue ? { twilioTaskQueue: start.twilioTaskQueue } : {}),
  };
  return {
    workflowId: campaignWorkflowId(start.campaignId),
    taskQueue: start.taskQueue,
    args: [input],
    // One campaign per id, ever: a second start with the same id is refused, not merged.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [{ key: CampaignIdKey, value: start.campaignId }],
    staticSummary: `Campaign ${start.settings.name}: ${start.contacts.length} contacts at ${start.settings.cps} cps`,
  };
}

/** Starts a campaign through the Temporal client. */
export function startCampaign(
  client: Client,
  start: StartCampaign,
): Promise<WorkflowHandle<typeof campaignWorkflow>> {
  return client.workflow.start(CAMPAIGN_WORKFLOW_TYPE, campaignStartOptions(start));
}
