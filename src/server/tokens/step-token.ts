import type { IvrState } from '../../../workflows/ivr/engine';
import { contactOfAttempt } from '../../../workflows/shared/ids';
import { epochSeconds, isFresh, macOf, verifiedBody } from './mac';

/**
 * In journal mode the server answers an action URL from the IVR state the URL carries, so that
 * state must be the server's own: it is MACed with a key derived from the auth token (`tokenKeys`)
 * and bound to the call. Twilio's signature covers the URL but carries no time, so the token also
 * carries when it was minted: a captured request stops working once its call cannot still be live.
 */
export interface StepToken {
  ivrId: string;
  ivrVersion: number;
  state: IvrState;
  /**
   * The campaign contact an answered outbound call speaks to (its attempt workflow's id): the
   * server looks up its variables again for every step it answers. Absent for inbound calls.
   */
  contact?: string;
}

/**
 * Twilio ends every call after 4 hours, and a Dial's action URL is requested when the dial ends,
 * which can be near that limit; an hour more covers Twilio's retries and clock skew.
 */
export const STEP_TOKEN_TTL_SECONDS = 5 * 60 * 60;

type Packed = [string, number, string, number, number, 0 | 1, '' | 'g' | 'd', number];

const NODE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LENGTH = 1024;

export function encodeStepToken(key: Buffer, callSid: string, token: StepToken, now: Date): string {
  const { state } = token;
  const packed: Packed = [
    token.ivrId,
    token.ivrVersion,
    state.node,
    state.attempts,
    state.seq,
    state.ended ? 1 : 0,
    state.consent === 'granted' ? 'g' : state.consent === 'declined' ? 'd' : '',
    epochSeconds(now),
  ];
  // A token without a contact is the 8-element array every earlier server minted and decodes.
  const body = Buffer.from(
    JSON.stringify(token.contact === undefined ? packed : [...packed, token.contact]),
  ).toString('base64url');
  return `${body}.${macOf(key, [callSid], body)}`;
}

const isContact = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 200 && contactOfAttempt(value) !== undefined;

const count = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;

function parse(body: string): unknown {
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The token's state if it is well formed, was minted for this call and is fresh at `now`;
 * otherwise undefined. Tokens minted before issue 10 carry no time and are refused with the rest:
 * a request captured while signatures could be padded must not stay usable.
 */
export function decodeStepToken(
  key: Buffer,
  callSid: string,
  raw: string,
  now: Date,
): StepToken | undefined {
  if (raw.length === 0 || raw.length > MAX_LENGTH) return undefined;
  const body = verifiedBody(key, [callSid], raw);
  if (body === undefined) return undefined;
  const packed = parse(body);
  if (!Array.isArray(packed) || (packed.length !== 8 && packed.length !== 9)) return undefined;
  const [ivrId, ivrVersion, node, attempts, seq, ended, consent, issuedAt, contact] =
    packed as unknown[];
  if (
    typeof ivrId !== 'string' ||
    !NODE.test(ivrId) ||
    !count(ivrVersion, 1_000_000) ||
    typeof node !== 'string' ||
    !NODE.test(node) ||
    !count(attempts, 1000) ||
    !count(seq, 999_999) ||
    (ended !== 0 && ended !== 1) ||
    (consent !== '' && consent !== 'g' && consent !== 'd') ||
    !isFresh(issuedAt, now, STEP_TOKEN_TTL_SECONDS) ||
    (contact !== undefined && !isContact(contact))
  ) {
    return undefined;
  }
  return {
    ivrId,
    ivrVersion,
    state: {
      node,
      attempts,
      seq,
      ended: ended === 1,
      ...(consent === 'g'
        ? { consent: 'granted' }
        : consent === 'd'
          ? { consent: 'declined' }
          : {}),
    },
    ...(typeof contact === 'string' ? { contact } : {}),
  };
}
