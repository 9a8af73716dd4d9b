import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parseContacts } from '../campaign/contacts';
import { rehearsalAllowed } from '../campaign/config';
import { startCampaign } from '../campaign/start';
import type { Config } from '../config';
import type { AmdMode } from '../../workflows/campaign/definitions';
import { parseWindow } from '../../workflows/campaign/window';
import { campaignWorkflowId } from '../../workflows/shared/ids';
import { withClient, type Connect } from './campaign-client';
import { parseDuration, parseRehearsal, positive, whole } from './campaign-format';

function uiLink(config: Config, campaignId: string): string {
  const base = config.TEMPORAL_UI_URL.replace(/\/$/, '');
  return `${base}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${campaignWorkflowId(campaignId)}`;
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

export function startCommand(config: () => Config, connect: Connect): Command {
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
