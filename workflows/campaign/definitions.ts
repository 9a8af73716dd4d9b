import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttemptReport } from '../attempt/definitions';
import type { Progress } from './progress';
import type { DailyWindow, RegionWindowRule } from './window';

/** What answering machine detection does with a machine: leave the voicemail message, or hang up. */
export type AmdMode = 'voicemail' | 'hangup' | 'off';

/** How a campaign dials; set at start, `cps` changeable while it runs. */
export interface CampaignSettings {
  name: string;
  /** The caller id, E.164. */
  from: string;
  /** The IVR an answered call runs; its newest version when the campaign starts is kept. */
  ivrId: string;
  /** Call creations per second for this campaign (the account's cap applies on top). */
  cps: number;
  /** Live calls at most. */
  maxConcurrent: number;
  /** The campaign's window in the callee's local time; a stricter regional one wins. */
  window: DailyWindow;
  /** Calls per contact, first included: one budget, never stacked. */
  maxAttempts: number;
  /** Spacing between a busy or no-answer and the next try. */
  retryAfterSeconds: number;
  amd: AmdMode;
  /** Said after the beep when `amd` is `voicemail`. */
  voicemailMessage?: string;
  /** The SMS fallback's text; none when absent. */
  sms?: string;
  /** How long Twilio lets a call ring (seconds). */
  ringTimeoutSeconds?: number;
  /**
   * How long a create may take before the attempt looks for the call in Twilio's Calls list
   * instead of waiting longer (default 30 s; tests shorten it).
   */
  createTimeoutSeconds?: number;
  /**
   * A rehearsal against the simulator (`campaign start --rehearse-at`): calling windows are judged
   * as if the clock read this much later, so a DST day or a closed window can be tried today.
   * Pacing, timers and Twilio keep the real clock. Workers that dial real Twilio ignore it.
   */
  rehearsalOffsetMs?: number;
}

/** One contact as the CSV gave it, validated. `id` is its position in the campaign (1-based). */
export interface CampaignContact {
  id: number;
  line: number;
  phone: string;
  name?: string;
  timeZone: string;
  variables: Record<string, string>;
}

/** What a run carries into the next after continue-as-new. */
export interface CampaignCarry {
  /** Contacts with an id at most this have been started. */
  cursor: number;
  progress: Progress;
  inFlight: number[];
  state: CampaignRunState;
  ivrVersion: number;
  regionRules: RegionWindowRule[];
  /** Phones of the attempts in flight, so an opt-out reaches the right one. */
  phones: Record<number, string>;
  parked: number[];
  cps: number;
  startedAt: number;
  runs: number;
  /** Contacts read but not yet started, handed to the next run so it starts at once. */
  pending?: CampaignContact[];
}

export type CampaignRunState = 'running' | 'paused' | 'canceled' | 'completed';

export interface CampaignInput {
  campaignId: string;
  settings: CampaignSettings;
  /** Given on the first run only: stored in PostgreSQL, then read back in batches. */
  contacts?: CampaignContact[];
  /** Lines of the CSV refused before the start, counted in the results. */
  rejected?: { line: number; reason: string }[];
  /** Twilio REST task queue, when a deployment renames it (workflows cannot read config). */
  twilioTaskQueue?: string;
  revision?: number;
  carry?: CampaignCarry;
}

export interface CampaignStatus {
  campaignId: string;
  name: string;
  state: CampaignRunState;
  cps: number;
  maxConcurrent: number;
  progress: Progress;
  inFlight: number;
  run: number;
  /** Epoch ms of the campaign's first dial, for the ETA. */
  startedAt: number;
}

export const CAMPAIGN_REVISION = 1;

export const pauseCampaignUpdate = defineUpdate<CampaignStatus>('pauseCampaign');
export const resumeCampaignUpdate = defineUpdate<CampaignStatus>('resumeCampaign');
export const cancelCampaignUpdate = defineUpdate<CampaignStatus>('cancelCampaign');
export const setRateUpdate = defineUpdate<CampaignStatus, [number]>('setCampaignRate');
export const campaignStatusQuery = defineQuery<CampaignStatus>('campaignStatus');
/** Each contact's attempt workflow reports its end here, once. */
export const attemptReportSignal = defineSignal<[AttemptReport]>('attemptReport');
/** A number opted out (STOP): every waiting attempt of it stops. */
export const optOutSignal = defineSignal<[string]>('optOut');
