import { ApplicationFailure } from '@temporalio/common';

/** The failure type of a call-log batch PostgreSQL refuses for what it holds: retries cannot help. */
export const CALL_LOG_REJECTED = 'CallLogRejected';

// PostgreSQL text cannot hold U+0000 and jsonb refuses the \u0000 escape; JSON.stringify writes an
// unpaired surrogate as an escape that jsonb refuses too.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storableString(s: string): string {
  return s.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * A copy of `value` whose strings, object keys included, PostgreSQL accepts. Stripped rather than
 * refused: a batch carries Twilio status callbacks, which Twilio never resends, and consent
 * evidence; one stray byte in a caller-supplied field must not cost the whole batch. The cleaning
 * is a pure function of the input, so a retried batch still lands on the same event keys.
 */
export function storable<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return storableString(value);
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [storableString(k), clean(v)] as const),
    );
  }
  return value;
}

// SQLSTATE class 22 (data exception: bad time, number out of range, bad encoding) and the NOT NULL
// and CHECK violations depend only on the batch. A missing call row (23503) is left retryable: the
// workflow's first write may still be on its way.
function isPermanent(code: string): boolean {
  return code.startsWith('22') || code === '23502' || code === '23514';
}

/** A non-retryable failure for an error that the same batch would raise again; else `err` itself. */
export function rejectionOf(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !isPermanent(code)) return err;
  return ApplicationFailure.create({
    message: `PostgreSQL refused the call log batch (${code}): ${(err as Error).message}`,
    type: CALL_LOG_REJECTED,
    nonRetryable: true,
    details: [{ sqlstate: code }],
    cause: err instanceof Error ? err : undefined,
  });
}
