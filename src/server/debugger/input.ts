import type { AlertWrite } from '../../alerts/store';
import { HttpError } from '../errors';
import { formParams, patterns, required, type Params } from '../twilio-params';

/** What the Debugger webhook says, before the catalog explains its code. */
export type DebuggerAlert = Omit<AlertWrite, 'explanation'>;

/** Twilio's alert payloads are a few KB; the bound keeps a forged-but-signed flood out of jsonb. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

const ALERT_SID = /^NO[0-9a-f]{32}$/;
const LEVEL = /^(ERROR|WARNING)$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const ERROR_CODE = /^\d{3,6}$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function payloadOf(params: Params): Json {
  const type = params.PayloadType;
  if (type !== undefined && type !== '' && type !== 'application/json')
    throw new HttpError('badRequest', 'PayloadType must be application/json');
  const text = required(params, 'Payload', /^[\s\S]+$/);
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES)
    throw new HttpError('badRequest', 'Payload over 16 KiB');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new HttpError('badRequest', 'Payload is not JSON');
  }
  if (!isObject(payload)) throw new HttpError('badRequest', 'Payload is not a JSON object');
  // An escaped \u0000 passes the form check but PostgreSQL's jsonb refuses it: a 400 now, not a
  // 503 that Twilio would retry forever.
  if (JSON.stringify(payload).includes('\\u0000'))
    throw new HttpError('badRequest', 'Payload holds NUL');
  return payload;
}

function errorCodeOf(payload: Json): string | null {
  const code = payload.error_code;
  if (code === undefined || code === null || code === '') return null;
  const text = typeof code === 'number' ? String(code) : code;
  if (typeof text !== 'string' || !ERROR_CODE.test(text))
    throw new HttpError('badRequest', 'malformed error_code');
  return text;
}

/**
 * The call an alert concerns: its resource_sid when that is a call, else the CallSid of the
 * webhook request Twilio was making (an 11200 on a Gather action names the call only there).
 */
function callSidOf(payload: Json): string | null {
  const resource = payload.resource_sid;
  if (typeof resource === 'string' && patterns.CallSid.test(resource)) return resource;
  const webhook = payload.webhook;
  const request = isObject(webhook) ? webhook.request : undefined;
  const parameters = isObject(request) ? request.parameters : undefined;
  const callSid = isObject(parameters) ? parameters.CallSid : undefined;
  return typeof callSid === 'string' && patterns.CallSid.test(callSid) ? callSid : null;
}

/** Reads and bounds one Debugger webhook form; anything malformed is a 400, never stored. */
export function debuggerAlertOf(body: unknown): DebuggerAlert {
  const params = formParams(body);
  const timestamp = required(params, 'Timestamp', TIMESTAMP);
  const occurredAt = new Date(timestamp);
  if (Number.isNaN(occurredAt.getTime())) throw new HttpError('badRequest', 'malformed Timestamp');
  const payload = payloadOf(params);
  return {
    alertSid: required(params, 'Sid', ALERT_SID),
    accountSid: required(params, 'AccountSid', patterns.AccountSid),
    level: required(params, 'Level', LEVEL) as DebuggerAlert['level'],
    errorCode: errorCodeOf(payload),
    callSid: callSidOf(payload),
    payload,
    occurredAt,
  };
}
