import type { WorkflowStartOptions } from '@temporalio/client';
import type { Config } from '../config';
import { CONFERENCE_REVISION, type ConferenceInput } from '../../workflows/conference/definitions';
import type { conferenceWorkflow } from '../../workflows/conference/workflow';
import { CONFERENCE_NAME, conferenceWorkflowId } from '../../workflows/shared/ids';
import {
  ConferenceNameKey,
  ParticipantCallSidsKey,
} from '../../workflows/shared/search-attributes';

/** Where the conference routes are mounted (`src/server/conference/plugin.ts`). */
export const CONFERENCE_PREFIX = '/voice/conference';

/** Agents and supervisors: an E.164 number, a `client:` identity or a `sip:` URI. */
export const AGENT_ADDRESS = /^(\+[1-9]\d{6,14}|client:[\w.-]{1,256}|sips?:[^\s@]+@[^\s]+)$/;

export function checkConferenceName(name: string): string {
  if (!CONFERENCE_NAME.test(name)) {
    throw new Error(
      `conference name "${name}" must be 1-100 letters, digits, '.', '_' or '-' (a business key such as support-ticket-842193)`,
    );
  }
  return name;
}

export function checkAddress(what: string, address: string): string {
  if (!AGENT_ADDRESS.test(address)) {
    throw new Error(`${what} "${address}" is not an E.164 number, client: identity or sip: URI`);
  }
  return address;
}

export type ConferenceStart = Pick<
  ConferenceInput,
  'name' | 'by' | 'customerCallSid' | 'customerJoinsItself' | 'agent' | 'transferTo'
>;

/** A conference's full input from config: every URL and default the workflow cannot read itself. */
export function conferenceInput(config: Config, start: ConferenceStart): ConferenceInput {
  if (config.CONFERENCE_CALLER_ID === '') {
    throw new Error('CONFERENCE_CALLER_ID is required to dial agents into a conference');
  }
  const base = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${CONFERENCE_PREFIX}`;
  const name = encodeURIComponent(start.name);
  return {
    ...start,
    revision: CONFERENCE_REVISION,
    callerId: config.CONFERENCE_CALLER_ID,
    statusCallbackUrl: `${base}/status`,
    participantStatusUrl: `${base}/participant-status?conference=${name}`,
    voicemailUrl: `${base}/voicemail?conference=${name}`,
    holdMusicUrl: config.CONFERENCE_HOLD_MUSIC_URL,
    ringTimeoutSec: config.CONFERENCE_RING_TIMEOUT_SECONDS,
    twilioTaskQueue: config.TEMPORAL_TWILIO_TASK_QUEUE,
    record: config.CONFERENCE_RECORD,
    // The recording lifecycle's route: fetch, encrypt, transcribe, redact, retain (source conference).
    ...(config.CONFERENCE_RECORD
      ? {
          recordingStatusCallbackUrl: `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/voice/recording`,
        }
      : {}),
  };
}

export function conferenceStartOptions(
  input: ConferenceInput,
  taskQueue: string,
): WorkflowStartOptions<typeof conferenceWorkflow> {
  return {
    workflowId: conferenceWorkflowId(input.name),
    taskQueue,
    args: [input],
    // A business key names one conference: a finished one is not started again by a late callback.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: ConferenceNameKey, value: input.name },
      { key: ParticipantCallSidsKey, value: input.customerCallSid ? [input.customerCallSid] : [] },
    ],
    staticSummary: `Conference ${input.name}${input.transferTo ? ' (warm transfer)' : ''}`,
  };
}
