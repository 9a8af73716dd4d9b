import type { WebhookRequest } from '../../workflows/definitions';

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

export function decodeReplay(raw: string): ReplayToken | undefined {
  try {
    const token = JSON.parse(
      Buffer.from(raw, 'base64url').toString('utf8'),
    ) as Partial<ReplayToken>;
    if (
      typeof token.updateId === 'string' &&
      /^[\w:.-]{1,200}$/.test(token.updateId) &&
      typeof token.attempt === 'number' &&
      Number.isInteger(token.attempt) &&
      token.attempt >= 1 &&
      typeof token.request === 'object' &&
      token.request !== null &&
      typeof (token.request as { kind?: unknown }).kind === 'string'
    ) {
      return token as ReplayToken;
    }
  } catch {
    // fall through: an unreadable token is treated as absent
  }
  return undefined;
}
