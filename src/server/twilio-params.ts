import { HttpError } from './errors';

export type Params = Record<string, string>;

/** Recognised speech is free text: control characters are spaces, so a caller is never refused. */
const FREE_TEXT = new Set(['SpeechResult', 'UnstableSpeechResult']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Form bodies arrive as strings (or arrays for repeated keys); anything else is malformed. */
export function formParams(body: unknown): Params {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new HttpError('badRequest', 'malformed form body');
  const out: Params = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value !== 'string')
      throw new HttpError('badRequest', `parameter ${key} must appear once`);
    const clean = FREE_TEXT.has(key) ? value.replace(CONTROL, ' ').trim() : value;
    // PostgreSQL refuses U+0000 in text and jsonb, so a NUL that got into history would make every
    // write of the call retry forever: it is refused at the door.
    if (clean.includes('\u0000')) throw new HttpError('badRequest', `parameter ${key} holds NUL`);
    out[key] = clean;
  }
  return out;
}

const patterns = {
  CallSid: /^CA[0-9a-f]{32}$/,
  AccountSid: /^AC[0-9a-f]{32}$/,
  RecordingSid: /^RE[0-9a-f]{32}$/,
  SequenceNumber: /^\d{1,6}$/,
  CallStatus: /^(queued|initiated|ringing|in-progress|completed|busy|failed|no-answer|canceled)$/,
  DialCallStatus: /^(completed|answered|busy|no-answer|failed|canceled)$/,
  Digits: /^[0-9*#]{0,32}$|^hangup$/,
  Number: /^\d{1,7}$/,
  /** Twilio's call directions; the value reaches history and the call log. */
  Direction: /^(inbound|outbound-api|outbound-dial|trunking-originating|trunking-terminating)$/,
  Address: /^(\+\d{1,15}|client:[\w.-]{1,256}|sips?:\S{1,256}|[\w.+-]{1,64}|anonymous|)$/i,
} as const;

export function required(params: Params, name: string, pattern: RegExp): string {
  const value = params[name];
  if (value === undefined || value === '') throw new HttpError('badRequest', `missing ${name}`);
  if (!pattern.test(value)) throw new HttpError('badRequest', `malformed ${name}`);
  return value;
}

export function optional(params: Params, name: string, pattern: RegExp): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (!pattern.test(value)) throw new HttpError('badRequest', `malformed ${name}`);
  return value;
}

export { patterns };
