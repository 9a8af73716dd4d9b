/**
 * Workflow ids come from business keys, and each family's workflow type is named once: the server,
 * the callback inbox, the CLI and tests start and find workflows through these.
 */
export const CALL_WORKFLOW_TYPE = 'callWorkflow';

const CALL_PREFIX = 'call-';
export const callWorkflowId = (callSid: string): string => `${CALL_PREFIX}${callSid}`;

/** The CallSid of a call workflow's id, or undefined for an id of another family. */
export function callSidOf(workflowId: string): string | undefined {
  return workflowId.startsWith(CALL_PREFIX) ? workflowId.slice(CALL_PREFIX.length) : undefined;
}

export const CAMPAIGN_WORKFLOW_TYPE = 'campaignWorkflow';
export const ATTEMPT_WORKFLOW_TYPE = 'outboundAttemptWorkflow';
export const campaignWorkflowId = (campaignId: string): string => `campaign-${campaignId}`;
/** One workflow per contact; its tries are numbered inside it (`intent` keys carry the try). */
export const attemptWorkflowId = (campaignId: string, contactId: number): string =>
  `outbound-${campaignId}-${contactId}`;

/** The campaign and contact an attempt workflow's id names, or undefined for another id. */
export function contactOfAttempt(
  workflowId: string,
): { campaignId: string; contactId: number } | undefined {
  const match = /^outbound-(.+)-(\d{1,9})$/.exec(workflowId);
  if (!match) return undefined;
  return { campaignId: match[1] ?? '', contactId: Number(match[2]) };
}
export const RECORDING_WORKFLOW_TYPE = 'recordingWorkflow';
const RECORDING_PREFIX = 'recording-';
export const recordingWorkflowId = (recordingSid: string): string =>
  `${RECORDING_PREFIX}${recordingSid}`;
export const CONFERENCE_WORKFLOW_TYPE = 'conferenceWorkflow';

const CONFERENCE_PREFIX = 'conference-';
/** Twilio FriendlyNames the conference family uses: business keys such as `support-ticket-842193`. */
export const CONFERENCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const conferenceWorkflowId = (name: string): string => `${CONFERENCE_PREFIX}${name}`;

/** The conference name of a conference workflow's id, or undefined for an id of another family. */
export function conferenceNameOf(workflowId: string): string | undefined {
  return workflowId.startsWith(CONFERENCE_PREFIX)
    ? workflowId.slice(CONFERENCE_PREFIX.length)
    : undefined;
}
