import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { campaignDb } from '../attempt/proxies';
import {
  attemptControlSignal,
  type AttemptControl,
  type AttemptInput,
} from '../attempt/definitions';
import type { outboundAttemptWorkflow } from '../attempt/workflow';
import { ATTEMPT_REVISION } from '../attempt/definitions';
import { ATTEMPT_WORKFLOW_TYPE, attemptWorkflowId } from '../shared/ids';
import { maskPhone } from '../shared/phone';
import { CampaignIdKey, MaskedNumberKey } from '../shared/search-attributes';
import {
  attemptReportSignal,
  cancelCampaignUpdate,
  campaignStatusQuery,
  optOutSignal,
  pauseCampaignUpdate,
  resumeCampaignUpdate,
  setRateUpdate,
  type CampaignContact,
  type CampaignInput,
  type CampaignStatus,
} from './definitions';
import { CampaignState, STARTS_PER_RUN } from './state';
import { regionalWindow, stricterWindow } from './window';

const BATCH = 100;
/** Reports that overtake their attempt's start are kept (see CampaignState.starting). */
const EARLY_REPORTS_PATCH = 'campaign-early-reports';
/**
 * The next batch of contacts is read while half of this one is still to start, and a run hands
 * its unstarted batch to the next: a read on a busy worker took a second or more, during which no
 * attempt started and the paced rate sagged at every hundredth contact and every continue-as-new.
 */
const PREFETCH_PATCH = 'campaign-prefetch-contacts';

/**
 * A campaign (`campaign-{id}`): stores its contacts, starts one attempt workflow per contact while
 * fewer than its active limit run, takes their reports, and answers control updates and the
 * progress query. Attempts report by signal to this workflow id, so they outlive a run that
 * continues as new; every run stays far below Temporal's event and signal limits.
 */
export async function campaignWorkflow(input: CampaignInput): Promise<CampaignStatus> {
  const { campaignId, settings } = input;
  const c = new CampaignState(input, Date.now());
  c.keepEarlyReports = patched(EARLY_REPORTS_PATCH);
  const prefetch = patched(PREFETCH_PATCH);
  const tell = async (ids: number[], control: AttemptControl): Promise<void> => {
    await Promise.all(
      ids.map((id) =>
        getExternalWorkflowHandle(attemptWorkflowId(campaignId, id))
          .signal(attemptControlSignal, control)
          .catch(() => undefined),
      ),
    );
  };
  // Control updates write the campaigns row, which registerCampaign inserts: one that arrives
  // first waits for it, or the write would touch no row and the insert would restore the old value.
  let registered = input.carry !== undefined;
  const control = (next: 'paused' | 'running' | 'canceled', signal: AttemptControl) => async () => {
    if (c.state === 'canceled' || c.state === 'completed' || c.state === next) return c.status();
    c.state = next;
    await condition(() => registered);
    await campaignDb.setCampaignState(campaignId, next);
    await tell([...c.inFlight], signal);
    return c.status();
  };
  setHandler(campaignStatusQuery, () => c.status());
  setHandler(attemptReportSignal, (r) => c.onReport(r));
  setHandler(optOutSignal, (phone) => void tell(c.contactsWithPhone(phone), { kind: 'opt-out' }));
  setHandler(pauseCampaignUpdate, control('paused', { kind: 'pause' }));
  setHandler(resumeCampaignUpdate, control('running', { kind: 'resume' }));
  setHandler(cancelCampaignUpdate, control('canceled', { kind: 'cancel' }));
  setHandler(
    setRateUpdate,
    async (cps) => {
      c.cps = cps;
      await condition(() => registered);
      await campaignDb.setCampaignRate(campaignId, cps);
      return c.status();
    },
    {
      validator: (cps) => {
        if (!(typeof cps === 'number' && cps > 0 && cps <= 1000)) {
          throw new Error('calls per second must be a number above 0 and at most 1000');
        }
      },
    },
  );

  if (!input.carry) {
    const stored = await campaignDb.registerCampaign({
      campaignId,
      settings,
      contacts: input.contacts ?? [],
    });
    c.ivrVersion = stored.ivrVersion;
    c.regionRules = stored.regionRules;
    c.progress = { ...c.progress, total: stored.total };
  }
  registered = true;

  const attemptInput = (contact: CampaignContact): AttemptInput => {
    const regional = regionalWindow(contact.timeZone, contact.phone, c.regionRules);
    return {
      campaignId,
      contact,
      settings,
      ivrVersion: c.ivrVersion,
      window: regional ? stricterWindow(settings.window, regional) : settings.window,
      parentWorkflowId: workflowInfo().workflowId,
      ...(input.twilioTaskQueue ? { twilioTaskQueue: input.twilioTaskQueue } : {}),
      revision: ATTEMPT_REVISION,
    };
  };

  const buffer: CampaignContact[] = [...(input.carry?.pending ?? [])];
  let fetching: Promise<void> | undefined;
  let moreStored = true;
  // The last contact read: a read ahead starts while the contacts before it are still starting,
  // so the cursor (advanced as each start resolves) would read them again.
  let lastRead = buffer.at(-1)?.id ?? c.cursor;
  const refill = async (): Promise<void> => {
    const rows = await campaignDb.nextContacts(campaignId, prefetch ? lastRead : c.cursor, BATCH);
    buffer.push(...rows);
    lastRead = rows.at(-1)?.id ?? lastRead;
    moreStored = rows.length === BATCH;
  };
  const runFull = (): boolean =>
    c.startedThisRun >= STARTS_PER_RUN || workflowInfo().continueAsNewSuggested;
  while (!c.allStarted && !c.isCanceled()) {
    await condition(
      () => c.state === 'canceled' || (c.state === 'running' && c.active < c.maxActive),
    );
    if (c.isCanceled()) break;
    if (runFull()) {
      await fetching;
      await condition(allHandlersFinished);
      return continueAsNew<typeof campaignWorkflow>({
        ...input,
        contacts: undefined,
        carry: { ...c.carry(), ...(prefetch ? { pending: buffer } : {}) },
      });
    }
    if (buffer.length === 0) await (fetching ?? refill());
    if (buffer.length === 0) {
      c.cursor = c.progress.total; // fewer stored than counted: nothing more to start
      break;
    }
    const room = Math.min(c.maxActive - c.active, STARTS_PER_RUN - c.startedThisRun);
    const next = buffer.splice(0, Math.max(1, room));
    if (prefetch && moreStored && !fetching && buffer.length < BATCH / 2) {
      fetching = refill().finally(() => {
        fetching = undefined;
      });
    }
    await Promise.all(
      next.map(async (contact) => {
        c.starts(contact.id);
        await startChild<typeof outboundAttemptWorkflow>(ATTEMPT_WORKFLOW_TYPE, {
          workflowId: attemptWorkflowId(campaignId, contact.id),
          args: [attemptInput(contact)],
          // Attempts outlive this run when it continues as new; they report to the workflow id.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [
            { key: CampaignIdKey, value: campaignId },
            { key: MaskedNumberKey, value: maskPhone(contact.phone) },
          ],
          staticSummary: `Campaign ${campaignId}: contact ${contact.id} ${maskPhone(contact.phone)}`,
        });
        c.started(contact.id, contact.phone);
      }),
    );
  }
  if (c.isCanceled()) c.cancelUnstarted();
  await condition(() => c.inFlight.size === 0 || runFull());
  if (c.inFlight.size > 0) {
    await condition(allHandlersFinished);
    return continueAsNew<typeof campaignWorkflow>({
      ...input,
      contacts: undefined,
      carry: c.carry(),
    });
  }
  if (!c.isCanceled()) {
    c.state = 'completed';
    await campaignDb.setCampaignState(campaignId, 'completed');
  }
  await condition(allHandlersFinished);
  return c.status();
}
