import type { Command } from 'commander';
import type { Config } from '../config';
import { connectClient } from '../temporal/connect';
import { callSnapshotQuery } from '../../workflows/call/definitions';
import { callWorkflowId } from '../../workflows/shared/ids';
import { maskPhone } from '../../workflows/shared/phone';

const CALL_SID = /^CA[0-9a-f]{32}$/;

export function callCommands(program: Command, config: () => Config): void {
  const call = program.command('call').description('inspect calls through Temporal');

  call
    .command('show <callSid>')
    .description('current state of a call: status, IVR node, events seen')
    .action(async (callSid: string) => {
      if (!CALL_SID.test(callSid))
        throw new Error(`"${callSid}" is not a CallSid (CA + 32 hex digits)`);
      const client = await connectClient(config());
      try {
        const handle = client.workflow.getHandle(callWorkflowId(callSid));
        const [description, snapshot] = await Promise.all([
          handle.describe(),
          handle.query(callSnapshotQuery),
        ]);
        console.log(
          JSON.stringify(
            { workflowId: handle.workflowId, runStatus: description.status.name, ...snapshot },
            null,
            2,
          ),
        );
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
