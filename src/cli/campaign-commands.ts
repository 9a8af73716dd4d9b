import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { Command, Option } from 'commander';
import { parseContacts } from '../campaign/contacts';
import { startCampaign } from '../campaign/start';
import type { Config } from '../config';
import { maskPhone } from '../../workflows/shared/phone';
import {
  cancelCampaignUpdate,
  campaignStatusQuery,
  pauseCampaignUpdate,
  resumeCampaignUpdate,
  setRateUpdate,
  type AmdMode,
  type CampaignStatus,
} from '../../workflows/campaign/definitions';
import { parseWindow } from '../../workflows/campaign/window';
import { CAMPAIGN_WORKFLOW_TYPE, campaignWorkflowId } from '../../workflows/shared/ids';
import { rehearsalAllowed } from '../campaign/config';
import {
  csvField,
  parseDuration,
  parseRehearsal,
  positive,
  renderStatus,
  whole,
} from './campaign-format';
import { table, withDb } from './output';

type Connect = () => Promise<Client>;

function uiLink(config: Config, campaignId: string): string {
  const base = config.TEMPORAL_UI_URL.replace(/\/$/, '');
  return `${base}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${campaignWorkflowId(campaignId)}`;
}

async function withClient<T>(connect: Connect, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect();
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

interface StartOptions {
  name: string;
  from: string;
  contacts: string;
  ivr: string;
  id?: string;
  cps: number;
  maxConcurrent: number;
  window: string;
  maxAttempts: number;
  retryAfter: string;
  amd: AmdMode;
  sms?: string;
  voicemail?: string;
  defaultCountry: string;
  rehearseAt?: string;
}

const REQUIRED_START_OPTIONS = ['name', 'from', 'contacts', 'ivr'] as const;

function startCommand(config: () => Config, connect: Connect): Command {
  return (
    new Command('start')
      .description(
        'start a campaign from a CSV of contacts (phone, name, time_zone, other columns)',
      )
      // Checked in the action rather than with requiredOption, which commander tests before unknown
      // options: a mistyped flag is then named instead of being reported as a missing --name.
      .option('--name <name>', 'a name for people (required)')
      .option('--from <number>', 'caller id, E.164 (required)')
      .option('--contacts <file>', 'CSV file of contacts (required)')
      .option('--ivr <id>', 'IVR an answered call runs, its newest stored version (required)')
      .option('--id <id>', 'campaign id (default: a random one)')
      .option('--cps <n>', 'calls per second', positive('--cps'), 1)
      .option('--max-concurrent <n>', 'live calls at most', whole('--max-concurrent'), 10)
      .option('--window <HH:MM-HH:MM>', "calling window in the callee's local time", '08:00-21:00')
      .option('--max-attempts <n>', 'calls per contact, first included', whole('--max-attempts'), 3)
      .option('--retry-after <duration>', 'spacing of retries after busy or no-answer', '2h')
      .addOption(
        new Option('--amd <mode>', 'answering machines: leave a voicemail, hang up, or no AMD')
          .choices(['voicemail', 'hangup', 'off'])
          .default('off'),
      )
      .option('--sms <text>', 'SMS fallback after a final busy, no-answer or failed')
      .option('--voicemail <text>', 'message left after the beep (--amd voicemail)')
      .option('--default-country <code>', 'country of numbers written without +', 'US')
      .option(
        '--rehearse-at <instant>',
        'simulator only: judge calling windows as if the campaign started at this instant',
      )
      .action(async (o: StartOptions, command: Command) => {
        const missing = REQUIRED_START_OPTIONS.filter((name) => o[name] === undefined);
        if (missing.length > 0) {
          command.error(
            `error: required option(s) ${missing.map((n) => `--${n}`).join(', ')} not specified`,
          );
        }
        if (!/^\+[1-9]\d{6,14}$/.test(o.from)) throw new Error('--from must be an E.164 number');
        const window = parseWindow(o.window);
        const retryAfterSeconds = parseDuration(o.retryAfter);
        const { contacts, rejected } = parseContacts(readFileSync(o.contacts, 'utf8'), {
          defaultCountry: o.defaultCountry,
        });
        for (const r of rejected) console.log(`line ${r.line}: ${r.reason} (not dialed)`);
        if (contacts.length === 0) throw new Error('no valid contact in the file; nothing started');
        const campaignId = o.id ?? randomBytes(5).toString('hex');
        if (!/^[a-z0-9][a-z0-9_-]{0,40}$/i.test(campaignId)) {
          throw new Error('--id must be letters, digits, - or _ (at most 41)');
        }
        const cfg = config();
        if (o.rehearseAt !== undefined && !rehearsalAllowed(cfg)) {
          throw new Error('--rehearse-at needs the simulator: TWILIO_API_BASE_URL is not set');
        }
        const rehearsal = o.rehearseAt === undefined ? 0 : parseRehearsal(o.rehearseAt, Date.now());
        await withClient(connect, (client) =>
          startCampaign(client, {
            campaignId,
            settings: {
              name: o.name,
              from: o.from,
              ivrId: o.ivr,
              cps: o.cps,
              maxConcurrent: o.maxConcurrent,
              window,
              maxAttempts: o.maxAttempts,
              retryAfterSeconds,
              amd: o.amd,
              ...(o.sms ? { sms: o.sms } : {}),
              ...(o.voicemail ? { voicemailMessage: o.voicemail } : {}),
              ...(rehearsal !== 0 ? { rehearsalOffsetMs: rehearsal } : {}),
            },
            contacts,
            rejected,
            taskQueue: cfg.TEMPORAL_TASK_QUEUE,
            twilioTaskQueue: cfg.TEMPORAL_TWILIO_TASK_QUEUE,
          }),
        );
        console.log(
          `campaign ${campaignId} started: ${contacts.length} contacts, ${rejected.length} rejected`,
        );
        console.log(uiLink(cfg, campaignId));
      })
  );
}

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
