import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IvrState } from '../../../workflows/ivr/engine';

/**
 * In journal mode the server answers an action URL from the IVR state the URL carries, so that
 * state must be the server's own: it is MACed with a key derived from the auth token and bound to
 * the call. (Twilio's signature already covers the URL; this keeps a state from being replayed
 * into another call or forged by anyone who can only read URLs.)
 */
export interface StepToken {
  ivrId: string;
  ivrVersion: number;
  state: IvrState;
}

type Packed = [string, number, string, number, number, 0 | 1, '' | 'g' | 'd'];

const NODE = /^[A-Za-z0-9_-]{1,64}$/;
const MAC_LENGTH = 22;
const MAX_LENGTH = 1024;

export function stepTokenKey(authToken: string): Buffer {
  return createHmac('sha256', authToken).update('switchboard step token v1').digest();
}

const macOf = (key: Buffer, callSid: string, body: string): string =>
  createHmac('sha256', key).update(`${callSid}.${body}`).digest('base64url').slice(0, MAC_LENGTH);

export function encodeStepToken(key: Buffer, callSid: string, token: StepToken): string {
  const { state } = token;
  const packed: Packed = [
    token.ivrId,
    token.ivrVersion,
    state.node,
    state.attempts,
    state.seq,
    state.ended ? 1 : 0,
    state.consent === 'granted' ? 'g' : state.consent === 'declined' ? 'd' : '',
  ];
  const body = Buffer.from(JSON.stringify(packed)).toString('base64url');
  return `${body}.${macOf(key, callSid, body)}`;
}

const count = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;

/** The token's state if it is well formed and was minted for this call; otherwise undefined. */
export function decodeStepToken(key: Buffer, callSid: string, raw: string): StepToken | undefined {
  if (raw.length === 0 || raw.length > MAX_LENGTH) return undefined;
  const [body = '', mac = ''] = raw.split('.');
  const expected = macOf(key, callSid, body);
  if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected)))
    return undefined;
  let packed: unknown;
  try {
    packed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(packed) || packed.length !== 7) return undefined;
  const [ivrId, ivrVersion, node, attempts, seq, ended, consent] = packed as unknown[];
  if (
    typeof ivrId !== 'string' ||
    !NODE.test(ivrId) ||
    !count(ivrVersion, 1_000_000) ||
    typeof node !== 'string' ||
    !NODE.test(node) ||
    !count(attempts, 1000) ||
    !count(seq, 999_999) ||
    (ended !== 0 && ended !== 1) ||
    (consent !== '' && consent !== 'g' && consent !== 'd')
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
  };
}
