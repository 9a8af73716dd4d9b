import { WorkflowNotFoundError } from '@temporalio/common';
import type { Command } from 'commander';
import { listAlerts, type AlertListing } from '../alerts/store';
import type { Config } from '../config';
import { createPool } from '../db/pool';
import { connectClient } from '../temporal/connect';
import { callSnapshotQuery } from '../../workflows/call/definitions';
import { callWorkflowId } from '../../workflows/shared/ids';
import { maskPhone } from '../../workflows/shared/phone';
import { alertForCall } from './alerts-commands';
import { callRecordingCommands } from './call-recording-commands';

const CALL_SID = /^CA[0-9a-f]{32}$/;

/**
 * What `call show` prints: the workflow's state, then the call's Debugger alerts. A call whose
 * Voice URL pointed nowhere has alerts (11200) and no workflow: Twilio never reached Switchboard.
 */
export function callShowOutput(
  workflowId: string,
  state: Record<string, unknown> | undefined,
  alerts: readonly AlertListing[] | undefined,
): Record<string, unknown> {
  if (state === undefined && !alerts?.length)
    throw new Error(`no workflow ${workflowId} and no Debugger alert for this call`);
  const found = state ?? { runStatus: null, note: 'no workflow: Twilio never reached Switchboard' };
  return { workflowId, ...found, ...(alerts ? { alerts: alerts.map(alertForCall) } : {}) };
}

async function callAlerts(
  databaseUrl: string,
  callSid: string,
): Promise<AlertListing[] | undefined> {
  const db = createPool(databaseUrl, 1);
  try {
    return await listAlerts(db, { callSid, limit: 20 });
  } catch (err) {
    // The workflow's state is still worth printing when PostgreSQL is away.
    console.error(`alerts not read: ${(err as Error).message}`);
    return undefined;
  } finally {
    await db.end();
  }
}

export function callCommands(program: Command, config: () => Config): void {
  const call = program.command('call').description('inspect calls through Temporal');
  callRecordingCommands(call, config);

  call
    .command('show <callSid>')
    .description('current state of a call: status, IVR node, events seen, Twilio Debugger alerts')
    .action(async (callSid: string) => {
      if (!CALL_SID.test(callSid))
        throw new Error(`"${callSid}" is not a CallSid (CA + 32 hex digits)`);
      const client = await connectClient(config());
      try {
        const handle = client.workflow.getHandle(callWorkflowId(callSid));
        const state = Promise.all([handle.describe(), handle.query(callSnapshotQuery)]).then(
          ([description, snapshot]) => ({ runStatus: description.status.name, ...snapshot }),
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return undefined;
            throw err;
          },
        );
        const alerts = callAlerts(config().DATABASE_URL, callSid);
        const output = callShowOutput(handle.workflowId, await state, await alerts);
        console.log(JSON.stringify(output, null, 2));
      } finally {
        await client.connection.close();
      }
    });

  call
    .command('list')
    .description('recent calls, newest first, found through the CallSid search attribute')
    .option('--status <status>', 'only calls whose CallStatus is this')
    .option('--node <node>', 'only calls whose IvrNode is this')
    .option('--limit <n>', 'how many', '20')
    .action(async (opts: { status?: string; node?: string; limit: string }) => {
      const clauses = ['CallSid IS NOT NULL'];
      if (opts.status) clauses.push(`CallStatus = '${opts.status.replace(/'/g, '')}'`);
      if (opts.node) clauses.push(`IvrNode = '${opts.node.replace(/'/g, '')}'`);
      const client = await connectClient(config());
      try {
        let left = Number(opts.limit) || 20;
        for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
          const sa = wf.searchAttributes;
          const memo = (wf.memo ?? {}) as Record<string, string>;
          console.log(
            [
              String(sa.CallSid?.[0] ?? ''),
              String(sa.CallStatus?.[0] ?? '-').padEnd(11),
              String(sa.IvrNode?.[0] ?? '-').padEnd(10),
              `${memo.from ?? '?'} → ${memo.to ?? '?'}`,
              wf.startTime.toISOString(),
            ].join('  '),
          );
          if (--left <= 0) break;
        }
      } finally {
        await client.connection.close();
      }
    });

  call
    .command('mask <number>')
    .description('how a phone number appears in logs and the Temporal UI')
    .action((number: string) => console.log(maskPhone(number)));
}
