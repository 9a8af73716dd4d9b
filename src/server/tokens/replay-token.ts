import type { WebhookRequest } from '../../../workflows/call/definitions';

/**
 * A fallback `<Redirect>` must retry the request Twilio could not get an answer to. Twilio's redirect
 * carries only the standard call parameters, so the original request and its update id ride along
 * in the URL: if the first attempt did reach the workflow, the same update id returns its answer
 * instead of advancing the IVR twice.
 */
export interface ReplayToken {
  updateId: string;
  request: WebhookRequest;
  attempt: number;
}

export function encodeReplay(token: ReplayToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** Tokens we mint are a few hundred characters; anything far larger is not ours. */
const MAX_TOKEN_LENGTH = 4096;
const MAX_ATTEMPT = 1000;
const STEP = /^\d{1,6}\.[A-Za-z0-9_-]{1,64}$/;

const optionalOf = (value: unknown, type: 'string' | 'number'): boolean =>
  value === undefined || (typeof value === type && (type === 'string' || Number.isFinite(value)));

/** The token rides in a URL, so its request is checked as strictly as a freshly parsed one. */
function isWebhookRequest(value: unknown): value is WebhookRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  if (r.kind === 'inbound' || r.kind === 'resume') return Object.keys(r).length === 1;
  if (typeof r.step !== 'string' || !STEP.test(r.step)) return false;
  switch (r.kind) {
    case 'gather':
      return (
        optionalOf(r.digits, 'string') &&
        optionalOf(r.speech, 'string') &&
        optionalOf(r.confidence, 'number')
      );
    case 'dial':
      return typeof r.status === 'string' && optionalOf(r.durationSeconds, 'number');
    case 'record':
      return (
        optionalOf(r.recordingUrl, 'string') &&
        optionalOf(r.recordingSid, 'string') &&
        optionalOf(r.durationSeconds, 'number')
      );
    default:
      return false;
  }
}

export function decodeReplay(raw: string): ReplayToken | undefined {
  if (raw.length === 0 || raw.length > MAX_TOKEN_LENGTH) return undefined;
  try {
    const token = JSON.parse(
      Buffer.from(raw, 'base64url').toString('utf8'),
    ) as Partial<ReplayToken> | null;
    if (
      typeof token === 'object' &&
      token !== null &&
      typeof token.updateId === 'string' &&
      /^[\w:.-]{1,200}$/.test(token.updateId) &&
      typeof token.attempt === 'number' &&
      Number.isInteger(token.attempt) &&
      token.attempt >= 1 &&
      token.attempt <= MAX_ATTEMPT &&
      isWebhookRequest(token.request)
    ) {
      return { updateId: token.updateId, request: token.request, attempt: token.attempt };
    }
  } catch {
    // fall through: an unreadable token is treated as absent
  }
  return undefined;
}
