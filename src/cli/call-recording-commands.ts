import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../config';
import { createPool } from '../db/pool';
import { connectClient } from '../temporal/connect';
import type {
  CallRecordingAction,
  callRecordingControlWorkflow,
} from '../../workflows/call-recording/workflow';

const CALL_SID = /^CA[0-9a-f]{32}$/;
const RECORDING_SID = /^RE[0-9a-f]{32}$/;
const ACTIONS: readonly CallRecordingAction[] = ['start', 'pause', 'resume', 'stop'];

/**
 * `call record <callSid> <action>`: starts or controls a live call's recording through a short
 * workflow, so the REST request goes through the rate-capped Twilio task queue and the call log
 * says who did it.
 */
export function callRecordingCommands(call: Command, config: () => Config): void {
  call
    .command('record <callSid> <action>')
    .description(
      "start, pause (PauseBehavior=skip), resume or stop a live call's recording; logged on the call",
    )
    .option('--recording <recordingSid>', 'the recording to control (default: the active one)')
    .action(async (callSid: string, action: string, opts: { recording?: string }) => {
      if (!CALL_SID.test(callSid))
        throw new Error(`"${callSid}" is not a CallSid (CA + 32 hex digits)`);
      if (!ACTIONS.includes(action as CallRecordingAction)) {
        throw new Error(`action must be one of ${ACTIONS.join(', ')} (got "${action}")`);
      }
      if (opts.recording !== undefined && !RECORDING_SID.test(opts.recording)) {
        throw new Error(`"${opts.recording}" is not a RecordingSid (RE + 32 hex digits)`);
      }
      const cfg = config();
      // The call log row must exist: only calls Switchboard handles are recorded from here.
      const db = createPool(cfg.DATABASE_URL, 1);
      try {
        const { rowCount } = await db.query('SELECT 1 FROM calls WHERE call_sid = $1', [callSid]);
        if (rowCount === 0) throw new Error(`no call ${callSid} in the call log`);
      } finally {
        await db.end();
      }
      const client = await connectClient(cfg);
      try {
        const result = await client.workflow.execute<typeof callRecordingControlWorkflow>(
          'callRecordingControlWorkflow',
          {
            taskQueue: cfg.TEMPORAL_TASK_QUEUE,
            workflowId: `call-recording-${callSid}-${action}-${randomUUID()}`,
            args: [
              {
                callSid,
                action: action as CallRecordingAction,
                ...(opts.recording ? { recordingSid: opts.recording } : {}),
                ...(action === 'start'
                  ? { statusCallback: `${cfg.PUBLIC_BASE_URL.replace(/\/$/, '')}/voice/recording` }
                  : {}),
                requestedBy: `cli:${userInfo().username}`,
                twilioTaskQueue: cfg.TEMPORAL_TWILIO_TASK_QUEUE,
              },
            ],
          },
        );
        console.log(JSON.stringify(result, null, 2));
      } finally {
        await client.connection.close();
      }
    });
}
