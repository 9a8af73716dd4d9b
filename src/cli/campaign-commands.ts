import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import type { Config } from '../config';
import { maskPhone } from '../../workflows/shared/phone';
import {
  cancelCampaignUpdate,
  campaignStatusQuery,
  pauseCampaignUpdate,
  resumeCampaignUpdate,
  setRateUpdate,
  type CampaignStatus,
} from '../../workflows/campaign/definitions';
import { CAMPAIGN_WORKFLOW_TYPE, campaignWorkflowId } from '../../workflows/shared/ids';
import { withClient, type Connect } from './campaign-client';
import { csvField, positive, renderStatus, whole } from './campaign-format';
import { startCommand } from './campaign-start';
import { table, withDb } from './output';

function controlCommand(
  name: string,
  description: string,
  connect: Connect,
  run: (client: Client, workflowId: string) => Promise<CampaignStatus>,
): Command {
  return new Command(name)
    .description(description)
    .argument('<id>', 'campaign id')
    .action(async (id: string) => {
      const status = await withClient(connect, (c) => run(c, campaignWorkflowId(id)));
      console.log(renderStatus(status, Date.now()));
    });
}

async function printStatus(connect: Connect, id: string, watch: number | undefined) {
  await withClient(connect, async (client) => {
    const handle = client.workflow.getHandle(campaignWorkflowId(id));
    for (;;) {
      const status = await handle.query(campaignStatusQuery);
      console.log(renderStatus(status, Date.now()));
      if (!watch || status.state === 'completed' || status.state === 'canceled') return;
      await new Promise((r) => setTimeout(r, watch * 1000));
      console.log('');
    }
  });
}

async function listCampaigns(connect: Connect, limit: number) {
  await withClient(connect, async (client) => {
    const rows: string[][] = [];
    // One row per campaign: earlier runs of one that continued as new are left out.
    const seen = new Set<string>();
    for await (const wf of client.workflow.list({
      query: `WorkflowType = '${CAMPAIGN_WORKFLOW_TYPE}'`,
    })) {
      if (seen.has(wf.workflowId)) continue;
      seen.add(wf.workflowId);
      rows.push([
        wf.workflowId.replace(/^campaign-/, ''),
        wf.status.name,
        wf.startTime.toISOString(),
        wf.closeTime?.toISOString() ?? '-',
      ]);
      if (rows.length >= limit) break;
    }
    console.log(table(['id', 'status', 'started', 'closed'], rows));
  });
}

async function exportResults(config: () => Config, id: string) {
  await withDb(
    () => config().DATABASE_URL,
    async (db) => {
      const { rows } = await db.query<{
        contact_id: number;
        line: number;
        phone: string;
        name: string | null;
        outcome: string | null;
        attempts: number;
        answered_by: string | null;
        sms_status: string | null;
        finished_at: Date | null;
      }>(
        `SELECT contact_id, line, phone, name, outcome, attempts, answered_by, sms_status, finished_at
           FROM campaign_contacts WHERE campaign_id = $1 ORDER BY contact_id`,
        [id],
      );
      if (rows.length === 0) throw new Error(`no campaign ${id} (or it has no contacts yet)`);
      const header = [
        'contact',
        'line',
        'phone',
        'name',
        'outcome',
        'calls',
        'answered_by',
        'sms',
        'finished_at',
      ];
      console.log(header.join(','));
      for (const r of rows) {
        const cells = [
          r.contact_id,
          r.line,
          maskPhone(r.phone),
          r.name,
          r.outcome ?? 'pending',
          r.attempts,
          r.answered_by,
          r.sms_status,
          r.finished_at?.toISOString() ?? null,
        ];
        console.log(cells.map(csvField).join(','));
      }
    },
  );
}

/** `npm run campaign -- …`: start, watch and steer outbound campaigns through the Temporal client. */
export function campaignCommands(program: Command, config: () => Config, connect: Connect): void {
  program.addCommand(startCommand(config, connect));
  program
    .command('status')
    .description('live progress of a campaign (from its workflow)')
    .argument('<id>', 'campaign id')
    .option(
      '--watch <seconds>',
      'print again every so many seconds until it ends',
      positive('--watch'),
    )
    .action((id: string, o: { watch?: number }) => printStatus(connect, id, o.watch));
  program
    .command('list')
    .description('campaigns, newest first')
    .option('--limit <n>', 'rows at most', whole('--limit'), 20)
    .action((o: { limit: number }) => listCampaigns(connect, o.limit));
  program.addCommand(
    controlCommand(
      'pause',
      'stop dialing; queued calls are cancelled, live ones finish',
      connect,
      (c, wf) => c.workflow.getHandle(wf).executeUpdate(pauseCampaignUpdate),
    ),
  );
  program.addCommand(
    controlCommand('resume', 'dial again after a pause', connect, (c, wf) =>
      c.workflow.getHandle(wf).executeUpdate(resumeCampaignUpdate),
    ),
  );
  program.addCommand(
    controlCommand('cancel', 'end the campaign; live calls end politely', connect, (c, wf) =>
      c.workflow.getHandle(wf).executeUpdate(cancelCampaignUpdate),
    ),
  );
  program
    .command('rate')
    .description('change the calls per second of a running campaign')
    .argument('<id>', 'campaign id')
    .argument('<cps>', 'calls per second', positive('<cps>'))
    .action(async (id: string, cps: number) => {
      const status = await withClient(connect, (c) =>
        c.workflow.getHandle(campaignWorkflowId(id)).executeUpdate(setRateUpdate, { args: [cps] }),
      );
      console.log(renderStatus(status, Date.now()));
    });
  program
    .command('results')
    .description('one row per contact: outcome, calls, AMD, SMS (numbers masked)')
    .argument('<id>', 'campaign id')
    .option('--csv', 'CSV (the only format today)', true)
    .action((id: string) => exportResults(config, id));
}
