import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IvrInput, IvrState } from '../ivr/engine';
import type { DialRoute, IvrDefinition } from '../ivr/types';
import type { IvrVariables } from '../ivr/variables';
import type { CallStatus } from '../shared/call-status';
import type { TwimlPlan } from '../shared/twiml-plan';

export interface CallInput {
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
  direction: string;
  ivr: IvrDefinition;
  /** How long the workflow stays open after the final status to absorb late callbacks. */
  lingerSeconds?: number;
  /**
   * The shape of workflow history this call was started with: absent for calls started before
   * revision 2. The starter sets it (`callStartOptions`, from `CALL_REVISION` in revisions.ts), so a call in flight keeps its shape when
   * workers are upgraded. It stands in for `patched()`, which costs every new call a marker and a
   * `TemporalChangeVersion` search-attribute upsert (a visibility write) on the server.
   */
  revision?: number;
  /**
   * Journal entries the call starts with, handled as if they had come in a `callJournal` signal:
   * a relay that starts the workflow itself (eagerly, on its own worker) passes them here.
   */
  journal?: JournalEntry[];
  /**
   * Carrier routes of the IVR's carrier-routed transfers, by node id, resolved by the server from
   * its route table before the workflow starts (the workflow does no I/O). Absent in older calls.
   */
  carrierRoutes?: Record<string, DialRoute[]>;
  /**
   * What the IVR's `{{placeholders}}` say: an answered campaign call's contact (its name and CSV
   * columns), looked up by the server when the call starts. Absent for inbound and older calls,
   * whose prompts are spoken exactly as written (placeholders with their defaults).
   */
  variables?: IvrVariables;
}

/** A Twilio request that needs TwiML back: the first webhook, or an action URL. */
export type WebhookRequest =
  { kind: 'inbound' } | { kind: 'resume' } | ({ step: string } & IvrInput);

/** A Twilio status callback, already keyed for deduplication by the webhook server. */
export interface CallStatusEvent {
  eventKey: string;
  callStatus: CallStatus;
  sequenceNumber: number;
  timestamp: string;
  durationSeconds?: number;
}

/**
 * A webhook the server answered itself (WEBHOOK_MODE=journal) with the same IVR engine, from the
 * state carried in its action URL, and journaled before answering. The workflow applies steps in
 * IVR order, so it reaches the state the caller heard however they arrive.
 */
export interface CallStep {
  /** Unique per Twilio request (its idempotency token or a hash): retries share it. */
  key: string;
  /** The IVR state the answer was computed from; absent for the inbound webhook. */
  before?: IvrState;
  request: WebhookRequest;
  /** When the server decided: business hours are judged at this instant on both sides. */
  decidedAt: string;
}

export interface CallSnapshot {
  callSid: string;
  status: CallStatus;
  statusSequence: number;
  ivr: { id: string; version: number };
  state: IvrState;
  eventsSeen: number;
}

export const callWebhookUpdate = defineUpdate<TwimlPlan, [WebhookRequest]>('callWebhook');
export const callStatusSignal = defineSignal<[CallStatusEvent]>('callStatus');
/** One row of the server's outbox, as the relay delivers it. */
export type JournalEntry =
  { kind: 'step'; step: CallStep } | { kind: 'status'; event: CallStatusEvent };

/** Everything the outbox holds for one call, delivered as one signal in the order it was written. */
export const callJournalSignal = defineSignal<[JournalEntry[]]>('callJournal');
export const callSnapshotQuery = defineQuery<CallSnapshot>('callSnapshot');
