import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { conferenceAudit } from '../../activities/conference/audit';
import type { Config } from '../config';
import {
  checkAddress,
  checkConferenceName,
  conferenceInput,
  conferenceStartOptions,
  type ConferenceStart,
} from '../conference/start';
import { connectClient } from '../temporal/connect';
import {
  MODERATION_ACTIONS,
  moderateUpdate,
  superviseUpdate,
  transferUpdate,
  type ActionResult,
  type SupervisionMode,
} from '../../workflows/conference/definitions';
import { CONFERENCE_WORKFLOW_TYPE, conferenceWorkflowId } from '../../workflows/shared/ids';
import { showConference, transferOutcome, waitForTransfer } from './conference-show';
import { maskNumbers, table, withDb } from './output';

const CALL_SID = /^CA[0-9a-f]{32}$/;

function checkCallSid(callSid: string): string {
  if (!CALL_SID.test(callSid))
    throw new Error(`--call "${callSid}" is not a CallSid (CA + 32 hex)`);
  return callSid;
}

async function startConference(
  client: Client,
  config: Config,
  start: ConferenceStart,
): Promise<void> {
  const input = conferenceInput(config, start);
  await client.workflow.start(
    CONFERENCE_WORKFLOW_TYPE,
    conferenceStartOptions(input, config.TEMPORAL_TASK_QUEUE),
  );
}

export interface ConferenceCliDeps {
  config: () => Config;
  /** Tests pass their own client; the CLI connects with the config. */
  connect?: (config: Config) => Promise<Client>;
}

/** The operator's name in the audit log: `--by`, else the login name. */
const byOption = (opts: { by?: string }): string => opts.by ?? process.env.USER ?? 'cli';

/** An update refused by its validator or failed in the workflow, as one readable line. */
function unwrap(err: unknown): Error {
  if (err instanceof WorkflowUpdateFailedError && err.cause) return new Error(err.cause.message);
  return err as Error;
}

function printResult(name: string, r: ActionResult): void {
  const who = r.label ?? '';
  const sid = r.callSid ? ` (${r.callSid})` : '';
  console.log(`${name}: ${r.action}${who ? ` ${who}` : ''}${sid} at ${r.at}`);
}

export function conferenceCommands(program: Command, deps: ConferenceCliDeps): void {
  const withClient = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = await (deps.connect ?? connectClient)(deps.config());
    try {
      return await fn(client);
    } finally {
      if (!deps.connect) await client.connection.close();
    }
  };
  const update = async (
    name: string,
    run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<ActionResult>,
  ) =>
    withClient(async (client) => {
      const handle = client.workflow.getHandle(conferenceWorkflowId(checkConferenceName(name)));
      try {
        printResult(name, await run(handle));
      } catch (err) {
        throw unwrap(err);
      }
    });

  program
    .command('list')
    .description('conferences, newest first (running ones unless --all)')
    .option('--all', 'closed conferences too')
    .option('--limit <n>', 'how many', '20')
    .action(async (opts: { all?: boolean; limit: string }) => {
      const clauses = [`WorkflowType = '${CONFERENCE_WORKFLOW_TYPE}'`];
      if (!opts.all) clauses.push(`ExecutionStatus = 'Running'`);
      const rows: string[][] = [];
      await withClient(async (client) => {
        let left = Number(opts.limit) || 20;
        for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
          const sa = wf.searchAttributes;
          rows.push([
            String(sa.ConferenceName?.[0] ?? wf.workflowId),
            wf.status.name.toLowerCase(),
            String((sa.ParticipantCallSids ?? []).length),
            wf.startTime.toISOString(),
          ]);
          if (--left <= 0) break;
        }
      });
      console.log(
        rows.length ? table(['name', 'status', 'calls', 'started'], rows) : 'no conferences',
      );
    });

  program
    .command('show <name>')
    .description('participants, transfers and the audit log of one conference')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      checkConferenceName(name);
      const audit = withDb(
        () => deps.config().DATABASE_URL,
        (db) => conferenceAudit(db, name),
      );
      await withClient(async (client) => {
        const out = await showConference(client, name, await audit, opts.json ?? false);
        console.log(maskNumbers(out));
      });
    });

  program
    .command('start <name>')
    .description("move a customer's live call into a new conference (hold music) and dial agent A")
    .requiredOption('--call <callSid>', "the customer's live call")
    .requiredOption('--agent <address>', "agent A's number, client: identity or sip: URI")
    .option('--by <who>', 'operator named in the audit log (default: $USER)')
    .action(async (name: string, opts: { call: string; agent: string; by?: string }) => {
      await withClient((client) =>
        startConference(client, deps.config(), {
          name: checkConferenceName(name),
          by: byOption(opts),
          customerCallSid: checkCallSid(opts.call),
          agent: checkAddress('--agent', opts.agent),
        }),
      );
      console.log(`${name}: moving ${opts.call} into the conference; agent A will be dialed`);
    });

  program
    .command('transfer <name>')
    .description(
      'warm transfer: hold the customer, dial agent B, and hand over once agent A leaves; with --call and --agent, first move a live call into a new conference and dial agent A',
    )
    .requiredOption('--to <address>', "agent B's number, client: identity or sip: URI")
    .option('--call <callSid>', "the customer's live call, to move into the conference")
    .option('--agent <address>', 'agent A, dialed once the customer is in (with --call)')
    .option('--by <who>', 'operator named in the audit log (default: $USER)')
    .option('--no-wait', 'return once B is being dialed')
    .option('--timeout <seconds>', 'how long to wait for the outcome', '120')
    .action(
      async (
        name: string,
        opts: {
          to: string;
          call?: string;
          agent?: string;
          by?: string;
          wait: boolean;
          timeout: string;
        },
      ) => {
        checkConferenceName(name);
        checkAddress('--to', opts.to);
        const by = byOption(opts);
        await withClient(async (client) => {
          if (opts.call !== undefined) {
            if (!CALL_SID.test(opts.call))
              throw new Error(`--call "${opts.call}" is not a CallSid`);
            if (opts.agent === undefined) throw new Error('--call needs --agent (agent A)');
            const config = deps.config();
            const input = conferenceInput(config, {
              name,
              by,
              customerCallSid: opts.call,
              agent: checkAddress('--agent', opts.agent),
              transferTo: opts.to,
            });
            await client.workflow.start(
              CONFERENCE_WORKFLOW_TYPE,
              conferenceStartOptions(input, config.TEMPORAL_TASK_QUEUE),
            );
            console.log(
              `${name}: moving ${opts.call} into the conference; agent A then B will be dialed`,
            );
          } else {
            const handle = client.workflow.getHandle(conferenceWorkflowId(name));
            try {
              printResult(
                name,
                await handle.executeUpdate(transferUpdate, { args: [{ to: opts.to, by }] }),
              );
            } catch (err) {
              throw unwrap(err);
            }
          }
          if (!opts.wait) return;
          const t = await waitForTransfer(client, name, Number(opts.timeout) * 1000);
          console.log(maskNumbers(transferOutcome(name, t)));
        });
      },
    );

  for (const mode of ['monitor', 'coach', 'barge'] as const satisfies readonly SupervisionMode[]) {
    const cmd = program
      .command(`${mode} <name>`)
      .description(
        mode === 'monitor'
          ? 'a supervisor listens, muted'
          : mode === 'coach'
            ? 'a supervisor speaks to one agent only (Coaching, CallSidToCoach)'
            : 'a supervisor joins and is heard by everyone',
      )
      .requiredOption(
        '--supervisor <address>',
        "the supervisor's number, client: identity or sip: URI",
      )
      .option('--by <who>', 'operator named in the audit log (default: $USER)');
    if (mode === 'coach')
      cmd.requiredOption('--agent <label>', 'the agent coached (label or CallSid)');
    cmd.action((name: string, opts: { supervisor: string; agent?: string; by?: string }) =>
      update(name, (h) =>
        h.executeUpdate(superviseUpdate, {
          args: [
            {
              mode,
              supervisor: checkAddress('--supervisor', opts.supervisor),
              ...(opts.agent ? { agent: opts.agent } : {}),
              by: byOption(opts),
            },
          ],
        }),
      ),
    );
  }

  for (const action of MODERATION_ACTIONS) {
    const isEnd = action === 'end';
    program
      .command(isEnd ? 'end <name>' : `${action} <name> <participant>`)
      .description(
        isEnd
          ? 'end the conference for everyone'
          : `${action} a participant (label such as agent-1, or CallSid)`,
      )
      .option('--by <who>', 'operator named in the audit log (default: $USER)')
      .action((name: string, ...rest: unknown[]) => {
        const participant = isEnd ? undefined : (rest[0] as string);
        const opts = (isEnd ? rest[0] : rest[1]) as { by?: string };
        return update(name, (h) =>
          h.executeUpdate(moderateUpdate, {
            args: [
              {
                action,
                ...(participant ? { participant } : {}),
                by: byOption(opts),
              },
            ],
          }),
        );
      });
  }
}
