import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config';
import {
  callSnapshotQuery,
  callWebhookUpdate,
  type CallInput,
  type JournalEntry,
} from '../../../workflows/call/definitions';
import type { callWorkflow } from '../../../workflows/call/workflow';
import { callWorkflowId } from '../../../workflows/shared/ids';
import type { TwimlPlan } from '../../../workflows/shared/twiml-plan';
import { randomCallSid, testCallInput, testConfig } from '../../helpers/env';
import { reminderIvr } from '../../helpers/reminder-ivr';
import { startWorkerEnv, type WorkerEnv } from '../../helpers/worker-env';

let config: Config;
let env: WorkerEnv;
let client: Client;

beforeAll(async () => {
  config = testConfig();
  env = await startWorkerEnv(config.TEMPORAL_TASK_QUEUE);
  ({ client } = env);
});

afterAll(() => env?.stop());

const said = (plan: TwimlPlan): string[] =>
  plan.verbs.flatMap((v) =>
    v.verb === 'say'
      ? [v.text]
      : v.verb === 'gather'
        ? v.prompts.flatMap((p) => (p.verb === 'say' ? [p.text] : []))
        : [],
  );

function input(callSid: string, variables?: CallInput['variables']): CallInput {
  return {
    ...testCallInput(callSid),
    direction: 'outbound-api',
    ivr: reminderIvr(),
    ...(variables ? { variables } : {}),
  };
}

const start = (callInput: CallInput) =>
  new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
    workflowId: callWorkflowId(callInput.callSid),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [callInput],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });

describe('call workflow with variables', () => {
  it('speaks the input variables in the first answer and in a later failure path', async () => {
    const callSid = randomCallSid();
    const first = await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'first',
      startWorkflowOperation: start(input(callSid, { name: 'Ann & Bob', account: '42' })),
    });
    expect(said(first)).toEqual([
      'Hello Ann & Bob, about account 42.',
      'Press 1 to pay your balance.',
    ]);
    const handle = client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid));
    const wrong = await handle.executeUpdate(callWebhookUpdate, {
      args: [{ kind: 'gather', step: '1.main', digits: '7' }],
      updateId: 'wrong',
    });
    expect(said(wrong)[0]).toBe('Sorry Ann & Bob, that is not an option.');
    const paid = await handle.executeUpdate(callWebhookUpdate, {
      args: [{ kind: 'gather', step: '2.main', digits: '1' }],
      updateId: 'paid',
    });
    expect(said(paid)).toEqual(['Thank you Ann & Bob. Goodbye.']);
    await handle.terminate('test over');
  });

  it('speaks defaults, or nothing, for a call without variables', async () => {
    const callSid = randomCallSid();
    const first = await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'first',
      startWorkflowOperation: start(input(callSid)),
    });
    expect(said(first)).toEqual(['Hello, about account.', 'Press 1 to pay your balance.']);
    await client.workflow.getHandle(callWorkflowId(callSid)).terminate('test over');
  });

  it('decides journaled steps with the same variables (WEBHOOK_MODE=journal)', async () => {
    const callSid = randomCallSid();
    const at = '2026-11-23T15:00:00.000Z';
    const journal: JournalEntry[] = [
      { kind: 'step', step: { key: 'in', request: { kind: 'inbound' }, decidedAt: at } },
      {
        kind: 'step',
        step: {
          key: 'wrong',
          before: { node: 'main', attempts: 0, seq: 1, ended: false },
          request: { kind: 'gather', step: '1.main', digits: '7' },
          decidedAt: at,
        },
      },
    ];
    const callInput = { ...input(callSid, { name: 'Ann', balance_due: 'ten dollars' }), journal };
    const handle = await client.workflow.start('callWorkflow', {
      ...start(callInput).options,
      args: [callInput],
    });
    // Once the journal is applied, a fallback's resume is answered with the plan it left.
    await expect
      .poll(() => handle.query(callSnapshotQuery).then((s) => s.state))
      .toMatchObject({ node: 'main', attempts: 1 });
    const resumed = await handle.executeUpdate(callWebhookUpdate, {
      args: [{ kind: 'resume' }],
      updateId: 'resume',
    });
    expect(said(resumed)).toEqual([
      'Sorry Ann, that is not an option.',
      'Hello Ann, about account.',
      'Press 1 to pay ten dollars.',
    ]);
    await handle.terminate('test over');
  });
});
