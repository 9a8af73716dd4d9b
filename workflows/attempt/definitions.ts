import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CampaignContact, CampaignSettings } from '../campaign/definitions';
import type { ContactOutcome } from '../campaign/progress';
import type { DailyWindow } from '../campaign/window';

/** One contact of a campaign, dialed up to `settings.maxAttempts` times, then maybe texted. */
export interface AttemptInput {
  campaignId: string;
  contact: CampaignContact;
  settings: CampaignSettings;
  ivrVersion: number;
  /** The campaign's window made stricter by the contact's region, computed once by the campaign. */
  window: DailyWindow;
  /** The campaign's workflow id, which reports go to (it survives continue-as-new). */
  parentWorkflowId: string;
  twilioTaskQueue?: string;
  revision?: number;
}

/** A call status callback, as the webhook server forwards it to the attempt. */
export interface AttemptCallEvent {
  kind: 'status' | 'amd';
  /** The try the callback's URL was minted for. */
  tryNo: number;
  callSid: string;
  /** Twilio's CallStatus for `status`, AnsweredBy for `amd`. */
  value: string;
  sequenceNumber: number;
}

/** A Messages status callback. */
export interface AttemptSmsEvent {
  messageSid: string;
  status: string;
  errorCode?: number;
}

/** What the campaign tells its running attempts. */
export type AttemptControl =
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'cancel' }
  | {
      kind: 'opt-out';
    };

/**
 * `parked`: the attempt frees its place among the campaign's active attempts while it sleeps (window
 * closed, retry spacing) or once it will not dial again (its SMS fallback and bookkeeping remain);
 * `done`: the contact reached its final state.
 */
export interface AttemptReport {
  kind: 'parked' | 'done';
  contactId: number;
  outcome: ContactOutcome;
  /** Calls placed for this contact. */
  calls: number;
  smsSent: boolean;
}

export interface AttemptStatus {
  contactId: number;
  phase: string;
  calls: number;
  /** Epoch ms the attempt sleeps until (window, retry spacing), if it does. */
  waitingUntil?: number;
  callSid?: string;
  callStatus?: string;
  answeredBy?: string;
  smsStatus?: string;
}

export const ATTEMPT_REVISION = 1;

export const attemptCallSignal = defineSignal<[AttemptCallEvent]>('attemptCall');
export const attemptSmsSignal = defineSignal<[AttemptSmsEvent]>('attemptSms');
export const attemptControlSignal = defineSignal<[AttemptControl]>('attemptControl');
export const attemptStatusQuery = defineQuery<AttemptStatus>('attemptStatus');
