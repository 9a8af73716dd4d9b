import type { FastifyInstance } from 'fastify';
import type { ConsentChange } from '../server/sms/plugin';
import { optOutSignal } from '../../workflows/campaign/definitions';
import { CAMPAIGN_WORKFLOW_TYPE } from '../../workflows/shared/ids';

/**
 * Tells every running campaign that `phone` opted out, so attempts already waiting (for a window,
 * for a retry) stop at once instead of at their next wake. The opt-out itself is in PostgreSQL
 * before this runs, and every attempt checks it before each call and SMS: this is the fast path,
 * and a campaign this misses (Temporal away) still never dials the number.
 */
export async function notifyCampaignsOfOptOut(
  app: FastifyInstance,
  phone: string,
): Promise<number> {
  const running = app.temporal.workflow.list({
    query: `WorkflowType = '${CAMPAIGN_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
  });
  let told = 0;
  for await (const wf of running) {
    await app.temporal.workflow.getHandle(wf.workflowId).signal(optOutSignal, phone);
    told += 1;
  }
  return told;
}

/** The SMS plugin's consent hook: an opt-out reaches running campaigns; an opt-in needs nothing. */
export async function campaignConsentHook(
  app: FastifyInstance,
  change: ConsentChange,
): Promise<void> {
  if (change.action !== 'opt-out') return;
  try {
    const told = await notifyCampaignsOfOptOut(app, change.phone);
    app.log.info({ campaigns: told }, 'opt-out sent to running campaigns');
  } catch (err) {
    app.log.warn({ err: (err as Error).message }, 'running campaigns not told of an opt-out');
  }
}
