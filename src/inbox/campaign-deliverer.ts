import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  attemptCallSignal,
  attemptSmsSignal,
  type AttemptCallEvent,
  type AttemptSmsEvent,
} from '../../workflows/attempt/definitions';
import type { Deliverer, InboxRow } from './deliverer';

/** The campaign family's name in the inbox (`callback_inbox.family`). */
export const CAMPAIGN_FAMILY = 'campaign';

/**
 * Delivers kept outbound-call and SMS callbacks to their attempt workflows, in the order written.
 * Once an attempt has ended nothing waits for them; the relay drops them.
 */
export function createCampaignDeliverer(temporal: Client): Deliverer {
  return {
    family: CAMPAIGN_FAMILY,
    async deliver(workflowId: string, rows: readonly InboxRow[]): Promise<void> {
      const handle = temporal.workflow.getHandle(workflowId);
      for (const row of rows) {
        if (row.kind === 'call')
          await handle.signal(attemptCallSignal, row.payload as AttemptCallEvent);
        else if (row.kind === 'sms')
          await handle.signal(attemptSmsSignal, row.payload as AttemptSmsEvent);
        else throw new Error(`a campaign inbox row of unknown kind "${row.kind}"`);
      }
    },
    isGone: (err) => err instanceof WorkflowNotFoundError,
  };
}
