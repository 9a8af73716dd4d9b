import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import type { callWorkflow } from '../../workflows/call/workflow';
import {
  callJournalSignal,
  callStatusSignal,
  callWebhookUpdate,
  type CallInput,
  type CallStatusEvent,
  type JournalEntry,
  type WebhookRequest,
} from '../../workflows/call/definitions';
import { callWorkflowId } from '../../workflows/shared/ids';
import { type CallStatus } from '../../workflows/shared/call-status';
import {
  advanceIvr,
  startIvr,
  stepId,
  type IvrInput,
  type IvrState,
} from '../../workflows/ivr/engine';
import type { IvrDefinition } from '../../workflows/ivr/types';
import type { TwimlPlan } from '../../workflows/shared/twiml-plan';
import { randomCallSid, testCallInput } from './env';

/** Drives a call workflow the way the webhook server does, without HTTP: for workflow-level tests. */
export class CallDriver {
  readonly handle: WorkflowHandle<typeof callWorkflow>;
  private plan: TwimlPlan = { verbs: [] };
  private updates = 0;
  private statusSeq = 0;
  /** Set when the call is driven as a journal-mode server and its relay drive it. */
  private journal?: { ivr: IvrDefinition; state: IvrState };

  private constructor(
    private readonly client: Client,
    readonly callSid: string,
  ) {
    this.handle = client.workflow.getHandle<typeof callWorkflow>(callWorkflowId(callSid));
  }

  /** The start options both ways of answering share. */
  private static startOptions(callSid: string, taskQueue: string, input: CallInput) {
    return { workflowId: callWorkflowId(callSid), taskQueue, args: [input] as [CallInput] };
  }

  /** A new call: its driver, and the input the webhook server would build for it. */
  private static begin(client: Client, ivrName: string): { driver: CallDriver; input: CallInput } {
    const driver = new CallDriver(client, randomCallSid());
    return { driver, input: testCallInput(driver.callSid, ivrName) };
  }

  /**
   * Answers as a journal-mode server does: the IVR engine decides, and the workflow learns of each
   * step (and status) from the relay's journal signals.
   */
  static async answerJournaled(
    client: Client,
    taskQueue: string,
    ivrName = 'test-line',
  ): Promise<CallDriver> {
    const { driver, input } = CallDriver.begin(client, ivrName);
    const decidedAt = driver.instant();
    const outcome = startIvr(input.ivr, new Date(decidedAt));
    driver.journal = { ivr: input.ivr, state: outcome.state };
    driver.plan = outcome.plan;
    // As the relay starts a call: its first journal entries in the workflow's input.
    const journal: JournalEntry[] = [
      { kind: 'step', step: { key: 'inbound', request: { kind: 'inbound' }, decidedAt } },
      { kind: 'status', event: driver.statusEvent('ringing') },
    ];
    await client.workflow.start(
      'callWorkflow',
      CallDriver.startOptions(driver.callSid, taskQueue, { ...input, journal }),
    );
    await driver.status('in-progress');
    return driver;
  }

  static async answer(
    client: Client,
    taskQueue: string,
    ivrName = 'test-line',
  ): Promise<CallDriver> {
    const { driver, input } = CallDriver.begin(client, ivrName);
    driver.plan = await client.workflow.executeUpdateWithStart(callWebhookUpdate, {
      args: [{ kind: 'inbound' }],
      updateId: 'inbound',
      startWorkflowOperation: new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
        ...CallDriver.startOptions(driver.callSid, taskQueue, input),
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

  /** A fixed clock, so recorded histories do not depend on when they were recorded. */
  private instant(): string {
    return new Date(Date.UTC(2026, 10, 23, 15, 0, this.updates)).toISOString();
  }

  async act(input: IvrInput): Promise<TwimlPlan> {
    const request: WebhookRequest = { ...input, step: this.step };
    if (this.journal) {
      const before = this.journal.state;
      const decidedAt = this.instant();
      const outcome = advanceIvr(this.journal.ivr, before, input, new Date(decidedAt));
      this.journal.state = outcome.state;
      this.plan = outcome.plan;
      const key = `j${++this.updates}:${stepId(before)}`;
      await this.handle.signal(callJournalSignal, [
        { kind: 'step', step: { key, before, request, decidedAt } },
      ]);
      return this.plan;
    }
    this.plan = await this.handle.executeUpdate(callWebhookUpdate, {
      args: [request],
      updateId: `u${++this.updates}`,
    });
    return this.plan;
  }

  private statusEvent(callStatus: CallStatus, seq = this.statusSeq++): CallStatusEvent {
    return {
      eventKey: `${this.callSid}:status:${seq}`,
      callStatus,
      sequenceNumber: seq,
      timestamp: new Date(Date.UTC(2026, 10, 23, 12, 0, seq)).toISOString(),
    };
  }

  async status(callStatus: CallStatus, seq = this.statusSeq++): Promise<void> {
    const event = this.statusEvent(callStatus, seq);
    if (this.journal) await this.handle.signal(callJournalSignal, [{ kind: 'status', event }]);
    else await this.handle.signal(callStatusSignal, event);
  }

  async hangUp(): Promise<void> {
    await this.status('completed');
    await this.handle.result();
  }
}

export type Scenario = (client: Client, taskQueue: string) => Promise<CallDriver>;

/** The caller presses 1, talks to sales for 42 seconds and hangs up. */
async function pressOneForSales(call: CallDriver): Promise<CallDriver> {
  await call.act({ kind: 'gather', digits: '1' });
  await call.act({ kind: 'dial', status: 'completed', durationSeconds: 42 });
  await call.hangUp();
  return call;
}

/** The call journeys that the replay fixtures are recorded from. */
export const scenarios: Record<string, Scenario> = {
  async 'press-1-sales'(client, taskQueue) {
    return pressOneForSales(await CallDriver.answer(client, taskQueue));
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
  async 'journal-press-1-sales'(client, taskQueue) {
    return pressOneForSales(await CallDriver.answerJournaled(client, taskQueue));
  },
  async 'journal-consent-voicemail'(client, taskQueue) {
    const call = await CallDriver.answerJournaled(client, taskQueue, 'consent-line');
    await call.act({ kind: 'gather', digits: '1' });
    await call.act({ kind: 'gather', digits: '1' });
    await call.act({ kind: 'dial', status: 'no-answer' });
    await call.act({ kind: 'record', recordingSid: 'RE' + 'c'.repeat(32), durationSeconds: 5 });
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
