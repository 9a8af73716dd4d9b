import { ApplicationFailure } from '@temporalio/workflow';
import type { WebhookRequest } from './definitions';

/** The failure type of a webhook request that is malformed: the request's fault, never retried. */
export const INVALID_WEBHOOK_REQUEST = 'InvalidWebhookRequest';

/** `{seq}.{node}`: the step an action URL names; node ids follow the IVR validator's rule. */
export const STEP_PATTERN = /^\d{1,6}\.[A-Za-z0-9_-]{1,64}$/;

const MAX_TEXT = 500;

const reject = (why: string): never => {
  throw ApplicationFailure.nonRetryable(`webhook request ${why}`, INVALID_WEBHOOK_REQUEST);
};

const text = (value: unknown, name: string): void => {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > MAX_TEXT || value.includes('\u0000')) {
    reject(`has a malformed ${name}`);
  }
};

const count = (value: unknown, name: string): void => {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1e7) {
    reject(`has a malformed ${name}`);
  }
};

const only = (r: Record<string, unknown>, keys: string[]): void => {
  for (const key of Object.keys(r)) if (!keys.includes(key)) reject(`has an unknown field ${key}`);
};

/**
 * Checks a webhook request in full, wherever one arrives from outside the workflow (an update's
 * argument, a token the server minted). A request that fails is rejected with a non-retryable
 * `InvalidWebhookRequest`: in an update validator that rejects the update before it reaches
 * history, instead of failing the workflow task on every retry.
 */
export function checkWebhookRequest(value: unknown): asserts value is WebhookRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reject('must be an object');
  }
  const r = value as Record<string, unknown>;
  if (r.kind === 'inbound' || r.kind === 'resume') return only(r, ['kind']);
  if (typeof r.step !== 'string' || !STEP_PATTERN.test(r.step)) reject('has a malformed step');
  switch (r.kind) {
    case 'gather':
      only(r, ['kind', 'step', 'digits', 'speech', 'confidence']);
      text(r.digits, 'digits');
      text(r.speech, 'speech');
      return count(r.confidence, 'confidence');
    case 'dial':
      only(r, ['kind', 'step', 'status', 'durationSeconds', 'sipResponseCode']);
      if (typeof r.status !== 'string') reject('has no dial status');
      text(r.status, 'dial status');
      count(r.sipResponseCode, 'SIP response code');
      return count(r.durationSeconds, 'duration');
    case 'record':
      only(r, ['kind', 'step', 'recordingUrl', 'recordingSid', 'durationSeconds']);
      text(r.recordingUrl, 'recording URL');
      text(r.recordingSid, 'recording sid');
      return count(r.durationSeconds, 'duration');
    default:
      return reject(`has an unknown kind "${String(r.kind)}"`);
  }
}

/** The same check as a predicate, for code that treats a malformed request as absent. */
export function isWebhookRequest(value: unknown): value is WebhookRequest {
  try {
    checkWebhookRequest(value);
    return true;
  } catch {
    return false;
  }
}
