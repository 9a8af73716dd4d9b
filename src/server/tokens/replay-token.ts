import type { WebhookRequest } from '../../../workflows/call/definitions';
import { isWebhookRequest } from '../../../workflows/call/webhook-request';
import { epochSeconds, isFresh, macOf, verifiedBody } from './mac';

/**
 * A fallback `<Redirect>` must retry the request Twilio could not get an answer to. Twilio's redirect
 * carries only the standard call parameters, so the original request and its update id ride along
 * in the URL: if the first attempt did reach the workflow, the same update id returns its answer
 * instead of advancing the IVR twice.
 *
 * The token is the server's word about a request it was already sent, so it is MACed (under
 * `tokenKeys().replay`), bound to the call and to the step it retries, and short-lived. It is a
 * hint for retrying that one step: it never stands in for a step the signed URL does not name.
 */
export interface ReplayToken {
  updateId: string;
  request: WebhookRequest;
  attempt: number;
}

/** The step a retry of the inbound webhook is bound to; action URLs use their `step` value. */
export const INBOUND_STEP = 'inbound';

/** The fallback gives up after 40 rounds of about 5 s; ten minutes is ample and no more. */
export const REPLAY_TOKEN_TTL_SECONDS = 10 * 60;

/** A query is at most 2048 characters (`assertBoundedQuery`); a longer token could never arrive. */
const MAX_TOKEN_LENGTH = 2048;
const MAX_ATTEMPT = 1000;
const UPDATE_ID = /^[\w:.-]{1,200}$/;

type Packed = [string, number, number, WebhookRequest];

export function encodeReplay(
  key: Buffer,
  callSid: string,
  step: string,
  token: ReplayToken,
  now: Date,
): string {
  const packed: Packed = [token.updateId, token.attempt, epochSeconds(now), token.request];
  const body = Buffer.from(JSON.stringify(packed)).toString('base64url');
  return `${body}.${macOf(key, [callSid, step], body)}`;
}

/** A token retries exactly the step it is bound to: the inbound webhook, or one action step. */
function retriesStep(request: WebhookRequest, step: string): boolean {
  if ((request.kind === 'inbound') !== (step === INBOUND_STEP)) return false;
  return !('step' in request) || request.step === step;
}

function parse(body: string): unknown {
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The token if it is ours, for this call and step, and fresh at `now`; otherwise undefined. */
export function decodeReplay(
  key: Buffer,
  callSid: string,
  step: string,
  raw: string,
  now: Date,
): ReplayToken | undefined {
  if (raw.length === 0 || raw.length > MAX_TOKEN_LENGTH) return undefined;
  const body = verifiedBody(key, [callSid, step], raw);
  if (body === undefined) return undefined;
  const packed = parse(body);
  if (!Array.isArray(packed) || packed.length !== 4) return undefined;
  const [updateId, attempt, issuedAt, request] = packed as unknown[];
  if (
    typeof updateId !== 'string' ||
    !UPDATE_ID.test(updateId) ||
    typeof attempt !== 'number' ||
    !Number.isInteger(attempt) ||
    attempt < 1 ||
    attempt > MAX_ATTEMPT ||
    !isFresh(issuedAt, now, REPLAY_TOKEN_TTL_SECONDS) ||
    // The token rides in a URL, so its request is checked as strictly as a freshly parsed one.
    !isWebhookRequest(request) ||
    !retriesStep(request, step)
  ) {
    return undefined;
  }
  return { updateId, request, attempt };
}
