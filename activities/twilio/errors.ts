import { ApplicationFailure } from '@temporalio/common';
import RestException from 'twilio/lib/base/RestException';
import TwilioServiceException from 'twilio/lib/base/TwilioServiceException';
import { describeTwilioCode, explainTwilioCode } from '../../src/twilio/error-catalog';
import { TwilioFailureType } from '../../workflows/shared/twilio-constants';

/**
 * Twilio error codes no retry can fix: bad credentials, a missing resource, a number Twilio will not
 * call or text, an opted-out recipient. Other 4xx answers are permanent too; this list also covers
 * these codes when Twilio sends them with an unusual HTTP status.
 */
export const PERMANENT_TWILIO_CODES: ReadonlySet<number> = new Set([
  20003, // authentication failed
  20404, // resource not found
  21211, // invalid To number
  21212, // invalid From number
  21214, // To number cannot be reached
  21215, // geo permission: calling this region is not enabled
  21217, // phone number does not appear to be valid
  21610, // recipient replied STOP
  13224, // Dial: invalid phone number
  13227, // Dial: geo permission
]);

const RATE_LIMITED_CODE = 20429;
// 408 and 409 describe the moment, not the request: the same request may succeed later.
const RETRYABLE_CLIENT_STATUSES: ReadonlySet<number> = new Set([408, 409, 429]);

/** What the failure's `details[0]` holds, for callers that want the Twilio code. */
export interface TwilioFailureDetails {
  code: number | null;
  status: number | null;
  moreInfo: string | null;
}

type TwilioError = (RestException | TwilioServiceException) & {
  moreInfo?: string;
  /** Set by the project's request client (src/twilio/client.ts); twilio itself drops headers. */
  retryAfter?: string;
};

// The catalog's line (cause and fix) rides in the message, so the worker log and the Temporal UI's
// failure view tell the operator what to do without a trip to Twilio's error dictionary.
function failureMessage(err: TwilioError): string {
  const base = `Twilio ${err.code ?? 'error'} (HTTP ${err.status}): ${err.message}`;
  if (err.code === undefined || explainTwilioCode(err.code) === undefined) return base;
  return `${base} | ${describeTwilioCode(err.code)}`;
}

function isTwilioError(err: unknown): err is TwilioError {
  return err instanceof RestException || err instanceof TwilioServiceException;
}

// axios, under the twilio client, raises these when no answer came back at all.
function isNetworkError(err: unknown): err is Error {
  return err instanceof Error && (err as { isAxiosError?: unknown }).isAxiosError === true;
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from `now`; undefined when absent. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function failureTypeOf(status: number, code: number | undefined): TwilioFailureType {
  if (code !== undefined && PERMANENT_TWILIO_CODES.has(code)) return TwilioFailureType.permanent;
  if (code === RATE_LIMITED_CODE || status === 429) return TwilioFailureType.rateLimited;
  if (status >= 400 && status < 500 && !RETRYABLE_CLIENT_STATUSES.has(status)) {
    return TwilioFailureType.permanent;
  }
  return TwilioFailureType.transient;
}

/**
 * A Twilio REST error as an `ApplicationFailure` with a stable type; other errors come back as
 * they are (a bug in our code is not Twilio's answer, and keeps its stack).
 */
export function toTwilioFailure(err: unknown): unknown {
  if (isTwilioError(err)) {
    const type = failureTypeOf(err.status, err.code);
    const details: TwilioFailureDetails = {
      code: err.code ?? null,
      status: err.status,
      moreInfo: err.moreInfo ?? null,
    };
    const retryAfterMs = parseRetryAfter(err.retryAfter);
    return ApplicationFailure.create({
      type,
      message: failureMessage(err),
      nonRetryable: type === TwilioFailureType.permanent,
      details: [details],
      ...(retryAfterMs !== undefined && type !== TwilioFailureType.permanent
        ? { nextRetryDelay: retryAfterMs }
        : {}),
      cause: err,
    });
  }
  if (isNetworkError(err)) {
    const details: TwilioFailureDetails = { code: null, status: null, moreInfo: null };
    return ApplicationFailure.create({
      type: TwilioFailureType.transient,
      message: `Twilio request failed without an answer: ${err.message}`,
      details: [details],
      cause: err,
    });
  }
  return err;
}

/** Runs one Twilio request and turns its failure into a typed `ApplicationFailure`. */
export async function twilioRequest<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw toTwilioFailure(err);
  }
}

/** True when `err` is Twilio's 20404, for deletes that a retry may find already done. */
export function isNotFound(err: unknown): boolean {
  return isTwilioError(err) && err.code === 20404;
}
