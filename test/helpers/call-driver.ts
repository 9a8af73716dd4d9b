import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import type { callWorkflow } from '../../workflows/call';
import {
  callStatusSignal,
  callWebhookUpdate,
  callWorkflowId,
  type CallInput,
  type CallStatus,
  type WebhookRequest,
} from '../../workflows/definitions';
import type { IvrInput } from '../../workflows/ivr/engine';
import type { TwimlPlan } from '../../workflows/twiml-plan';
import { ACCOUNT_SID, loadIvr, randomCallSid } from './env';

/** Drives a call workflow the way the webhook server does, without HTTP: for workflow-level tests. */
export class CallDriver {
  readonly handle: WorkflowHandle<typeof callWorkflow>;
  private plan: TwimlPlan = { verbs: [] };
  private updates = 0;
  private statusSeq = 0;

  private constructor(
    private readonly client: Client,
    readonly callSid: string,
  ) {
    this.handle = client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid));
  }

  static async answer(
    client: Client,
    taskQueue: string,
    ivrName = 'test-line',
  ): Promise<CallDriver> {
    const driver = new CallDriver(client, randomCallSid());
    const input: CallInput = {
      callSid: driver.callSid,
      accountSid: ACCOUNT_SID,
      from: '+14155550100',
      to: '+15005550006',
      direction: 'inbound',
      ivr: loadIvr(ivrName),
      lingerSeconds: 1,
    };
    driver.plan = await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'inbound',
      startWorkflowOperation: new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
        workflowId: callWorkflowId(driver.callSid),
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    await driver.status('ringing');
    await driver.status('in-progress');
    return driver;
  }

  get current(): TwimlPlan {
    return this.plan;
  }

  /** The step of the interactive verb the caller is at. */
  get step(): string {
    for (const verb of this.plan.verbs) {
      if ('action' in verb) return verb.action.step;
    }
    throw new Error(`no interactive verb in ${JSON.stringify(this.plan)}`);
  }

  async act(input: IvrInput): Promise<TwimlPlan> {
    const request: WebhookRequest = { ...input, step: this.step };
    this.plan = await this.handle.executeUpdate(callWebhookUpdate, {
      args: [request],
      updateId: `u${++this.updates}`,
    });
    return this.plan;
  }

  async status(callStatus: CallStatus, seq = this.statusSeq++): Promise<void> {
    await this.handle.signal(callStatusSignal, {
      eventKey: `${this.callSid}:status:${seq}`,
      callStatus,
      sequenceNumber: seq,
      timestamp: new Date(Date.UTC(2026, 10, 23, 12, 0, seq)).toISOString(),
    });
  }

  async hangUp(): Promise<void> {
    await this.status('completed');
    await this.handle.result();
  }
}

export type Scenario = (client: Client, taskQueue: string) => Promise<CallDriver>;

/** The call journeys that the replay fixtures are recorded from. */
export const scenarios: Record<string, Scenario> = {
  async 'press-1-sales'(client, taskQueue) {
    const call = await CallDriver.answer(client, taskQueue);
    await call.act({ kind: 'gather', digits: '1' });
    await call.act({ kind: 'dial', status: 'completed', durationSeconds: 42 });
    await call.hangUp();
    return call;
  },
  async 'speech-support'(client, taskQueue) {
    const call = await CallDriver.answer(client, taskQueue);
    await call.act({ kind: 'gather', speech: 'I need support please', confidence: 0.91 });
    await call.act({ kind: 'dial', status: 'completed' });
    await call.hangUp();
    return call;
  },
  async 'silence-goodbye'(client, taskQueue) {
    const call = await CallDriver.answer(client, taskQueue);
    for (let i = 0; i < 3; i++) await call.act({ kind: 'gather' });
    await call.hangUp();
    return call;
  },
  async 'invalid-operator'(client, taskQueue) {
    const call = await CallDriver.answer(client, taskQueue);
    for (let i = 0; i < 3; i++) await call.act({ kind: 'gather', digits: '9' });
    await call.act({ kind: 'dial', status: 'completed' });
    await call.hangUp();
    return call;
  },
  async 'consent-declined-sales'(client, taskQueue) {
    const call = await CallDriver.answer(client, taskQueue, 'consent-line');
    await call.act({ kind: 'gather', digits: '2' });
    await call.act({ kind: 'gather', digits: '1' });
    await call.act({ kind: 'dial', status: 'completed', durationSeconds: 30 });
    await call.hangUp();
    return call;
  },
  async 'transfer-voicemail'(client, taskQueue) {
    const call = await CallDriver.answer(client, taskQueue);
    await call.act({ kind: 'gather', digits: '1' });
    await call.act({ kind: 'dial', status: 'no-answer' });
    await call.act({
      kind: 'record',
      recordingSid: 'RE' + 'b'.repeat(32),
      recordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE',
      durationSeconds: 7,
    });
    await call.hangUp();
    return call;
  },
};
