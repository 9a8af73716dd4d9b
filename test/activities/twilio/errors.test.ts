import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  failureTypeOf,
  parseRetryAfter,
  PERMANENT_TWILIO_CODES,
  toTwilioFailure,
} from '../../../activities/twilio/errors';
import { describeTwilioCode } from '../../../src/twilio/error-catalog';
import { TwilioFailureType } from '../../../workflows/shared/twilio-constants';
import { rejectionOf, startSimTwilio, type SimTwilio } from './sim';

const message = { to: '+15005550060', from: '+14155550100', body: 'hello' };

function asFailure(err: unknown): ApplicationFailure {
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('Twilio error classification', () => {
  it('keeps permanent codes permanent whatever the status, and 4xx permanent by default', () => {
    for (const code of PERMANENT_TWILIO_CODES) {
      expect(failureTypeOf(400, code)).toBe(TwilioFailureType.permanent);
      expect(failureTypeOf(503, code)).toBe(TwilioFailureType.permanent);
    }
    expect(failureTypeOf(400, 21205)).toBe(TwilioFailureType.permanent);
    expect(failureTypeOf(429, 20429)).toBe(TwilioFailureType.rateLimited);
    expect(failureTypeOf(429, undefined)).toBe(TwilioFailureType.rateLimited);
    expect(failureTypeOf(500, 20500)).toBe(TwilioFailureType.transient);
    expect(failureTypeOf(409, 20409)).toBe(TwilioFailureType.transient);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('leaves errors that are not Twilio answers as they are', () => {
    const bug = new TypeError('x is undefined');
    expect(toTwilioFailure(bug)).toBe(bug);
  });
});

describe('Twilio errors from the simulator', () => {
  let t: SimTwilio;
  let slow: SimTwilio;

  beforeAll(async () => {
    t = await startSimTwilio();
    slow = await startSimTwilio({ timeoutMs: 100 });
  });
  afterEach(() => t.sim.setFaults({}));
  afterAll(async () => {
    await t.close();
    await slow.close();
  });

  it('21211 is permanent and non-retryable, with the Twilio code in its details', async () => {
    const failure = asFailure(
      await rejectionOf(
        t.activities.createCall({ to: 'not-a-number', from: '+14155550100', twiml: '<Response/>' }),
      ),
    );
    expect(failure.type).toBe(TwilioFailureType.permanent);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details?.[0]).toMatchObject({ code: 21211, status: 400 });
    expect(failure.nextRetryDelay).toBeUndefined();
    // The catalog's cause-and-fix line reaches the worker log and the Temporal UI.
    expect(failure.message).toContain(describeTwilioCode(21211));
    expect(failure.message).toMatch(
      /^Twilio 21211 \(HTTP 400\): Invalid 'To' .* \| 21211 .* — fix: /,
    );
  });

  it('21610 (opted out) is permanent', async () => {
    await t.sim.sendInboundSms({ from: '+15005550061', to: '+14155550100', body: 'STOP' });
    const failure = asFailure(
      await rejectionOf(t.activities.sendMessage({ ...message, to: '+15005550061' })),
    );
    expect(failure.type).toBe(TwilioFailureType.permanent);
    expect(failure.details?.[0]).toMatchObject({ code: 21610 });
  });

  it('20429 is retryable, and its next retry waits for Retry-After', async () => {
    t.sim.setFaults({ rest: { errorRate: 1, errorStatus: 429, retryAfterSeconds: 3 } });
    const failure = asFailure(await rejectionOf(t.activities.sendMessage(message)));
    expect(failure.type).toBe(TwilioFailureType.rateLimited);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(3000);
    expect(failure.details?.[0]).toMatchObject({ code: 20429, status: 429 });
  });

  it('20429 without Retry-After leaves the delay to the retry policy', async () => {
    t.sim.setFaults({ rest: { errorRate: 1, errorStatus: 429 } });
    const failure = asFailure(await rejectionOf(t.activities.findCalls(recentCalls())));
    expect(failure.type).toBe(TwilioFailureType.rateLimited);
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  it.each([500, 502, 503] as const)('%i is transient and retryable', async (status) => {
    t.sim.setFaults({ rest: { errorRate: 1, errorStatus: status } });
    const failure = asFailure(
      await rejectionOf(t.activities.fetchRecording('RE' + '0'.repeat(32))),
    );
    expect(failure.type).toBe(TwilioFailureType.transient);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.details?.[0]).toMatchObject({ status });
    // 20500 is not in the catalog: the message stays Twilio's own, without a guessed fix.
    expect(failure.message).not.toContain(' | ');
  });

  it('a request that times out is transient and retryable', async () => {
    slow.sim.setFaults({ rest: { slowMs: 500 } });
    const failure = asFailure(await rejectionOf(slow.activities.sendMessage(message)));
    expect(failure.type).toBe(TwilioFailureType.transient);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(/without an answer/);
  });

  it('a refused connection is transient', async () => {
    const gone = await startSimTwilio();
    await gone.close();
    const failure = asFailure(await rejectionOf(gone.activities.sendMessage(message)));
    expect(failure.type).toBe(TwilioFailureType.transient);
  });

  it('a missing recording is permanent (20404)', async () => {
    const failure = asFailure(
      await rejectionOf(t.activities.fetchRecording('RE' + 'f'.repeat(32))),
    );
    expect(failure.type).toBe(TwilioFailureType.permanent);
    expect(failure.details?.[0]).toMatchObject({ code: 20404 });
  });
});

function recentCalls() {
  return { to: '+15005550006', createdAfter: new Date(Date.now() - 60_000).toISOString() };
}
