import type { RecordingCallback, RecordingStatus } from '../../../workflows/recording/definitions';
import type { StoredRecordingStart } from '../../inbox/recording-deliverer';
import { HttpError } from '../errors';
import { optional, patterns, required, type Params } from '../twilio-params';

/**
 * Every parameter of a recording callback is read here and checked against a bounded pattern
 * before it reaches the inbox, history or PostgreSQL.
 */
const STATUS = /^(in-progress|completed|absent|failed)$/;
const SOURCE = /^[A-Za-z]{1,40}$/;
const CHANNELS = /^[12]$/;
const ERROR_CODE = /^\d{1,6}$/;

/** Who the callback is about: checked first, and the account must be this deployment's. */
export function recordingStartOf(params: Params, accountSid: string): StoredRecordingStart {
  const account = required(params, 'AccountSid', patterns.AccountSid);
  if (account !== accountSid) throw new HttpError('badRequest', 'AccountSid is not this account');
  const callSid = optional(params, 'CallSid', patterns.CallSid);
  return {
    recordingSid: required(params, 'RecordingSid', patterns.RecordingSid),
    accountSid: account,
    ...(callSid ? { callSid } : {}),
  };
}

/** A recording status callback, keyed so a retried or duplicated one counts once. */
export function recordingCallbackOf(params: Params): RecordingCallback {
  const recordingSid = required(params, 'RecordingSid', patterns.RecordingSid);
  const status = required(params, 'RecordingStatus', STATUS) as RecordingStatus;
  const callSid = optional(params, 'CallSid', patterns.CallSid);
  const source = optional(params, 'RecordingSource', SOURCE);
  const channels = optional(params, 'RecordingChannels', CHANNELS);
  const duration = optional(params, 'RecordingDuration', patterns.Number);
  const errorCode = optional(params, 'ErrorCode', ERROR_CODE);
  const start = Date.parse(params.RecordingStartTime ?? '');
  return {
    eventKey: `${recordingSid}:${status}`,
    status,
    ...(callSid ? { callSid } : {}),
    ...(source ? { twilioSource: source } : {}),
    ...(channels ? { channels: Number(channels) } : {}),
    ...(duration ? { durationSeconds: Number(duration) } : {}),
    ...(Number.isNaN(start) ? {} : { startTime: new Date(start).toISOString() }),
    ...(errorCode && errorCode !== '0' ? { errorCode: Number(errorCode) } : {}),
  };
}
