import type { FastifyBaseLogger } from 'fastify';
import type { CallInput } from '../../../workflows/call/definitions';
import type { IvrDefinition } from '../../../workflows/ivr/types';
import type { IvrVariables } from '../../../workflows/ivr/variables';
import type { TwimlPlan } from '../../../workflows/shared/twiml-plan';
import type { ReplayToken } from '../tokens/replay-token';
import type { StepToken } from '../tokens/step-token';

/** What a webhook answers with: a plan, and in journal mode the state its action URLs carry. */
export interface Answer {
  plan: TwimlPlan;
  st?: string;
}

/** One webhook as the strategies see it: already signed, validated and keyed. */
export interface WebhookCall {
  workflowId: string;
  callSid: string;
  /** The IVR the called number routes to: set for the inbound webhook. */
  ivr?: IvrDefinition;
  /**
   * An answered campaign call's contact (its attempt workflow's id) and the variables its prompts
   * speak, as the answer route looked them up; absent for inbound calls. A journal-mode action
   * finds the contact in its step token instead (`carried.contact`).
   */
  contact?: { attempt: string; variables?: IvrVariables };
  /** What starts the call's workflow, with the IVR it runs (and the contact's variables). */
  inputFor: (ivr: IvrDefinition) => CallInput;
  log: FastifyBaseLogger;
  /** The request, its update id (journal key) and which fallback round this is. */
  token: ReplayToken;
  /** The state a journal-mode action URL carried, verified. */
  carried?: StepToken;
}

/**
 * How a webhook gets its TwiML (WEBHOOK_MODE). Both strategies decide with the same function
 * (workflows/call/decide.ts); they differ in who runs it: the workflow in an update, or this
 * server from the state the URL carries, journaled before it answers. A strategy throws when it
 * cannot answer within the budget; the caller then holds and retries (answer.ts).
 */
export interface AnswerStrategy {
  inbound(call: WebhookCall): Promise<Answer>;
  action(call: WebhookCall): Promise<Answer>;
}
