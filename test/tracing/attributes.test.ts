import { describe, expect, it } from 'vitest';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import {
  callTraceContext,
  callTraceId,
  webhookAttributes,
  workflowAttributes,
} from '../../src/tracing/attributes';

const CALL = 'CA' + '0123456789abcdef'.repeat(2);
const RECORDING = 'RE' + 'f'.repeat(32);
const CONFERENCE = 'CF' + 'a'.repeat(32);

describe('webhookAttributes', () => {
  it('takes the Twilio identifiers of a form body', () => {
    expect(
      webhookAttributes({
        CallSid: CALL,
        RecordingSid: RECORDING,
        ConferenceSid: CONFERENCE,
        FriendlyName: 'support-room-7',
        Digits: '1234',
      }),
    ).toEqual({ CallSid: CALL, RecordingSid: RECORDING, ConferenceName: 'support-room-7' });
  });

  it.each([
    ['a CallSid of the wrong shape', { CallSid: 'CA123' }],
    ['an upper-case CallSid', { CallSid: CALL.toUpperCase() }],
    ['a CallSid given twice', { CallSid: [CALL, CALL] }],
    ['a RecordingSid of another kind', { RecordingSid: 'CA' + 'f'.repeat(32) }],
    ['a FriendlyName without a ConferenceSid', { FriendlyName: 'room' }],
    ['a FriendlyName with control characters', { ConferenceSid: CONFERENCE, FriendlyName: 'a\nb' }],
    ['no body', undefined],
  ])('keeps nothing from %s', (_what, body) => {
    expect(webhookAttributes(body)).toEqual({});
  });
});

describe('workflowAttributes', () => {
  it('reads the CallSid of a call workflow id, and nothing from other ids', () => {
    expect(workflowAttributes(`call-${CALL}`)).toEqual({ CallSid: CALL });
    expect(workflowAttributes('campaign-spring')).toEqual({});
    expect(workflowAttributes('call-nonsense')).toEqual({});
  });
});

const spanContextOf = (callSid: string) => {
  const context = callTraceContext(callSid);
  if (!context) throw new Error(`no trace context for ${callSid}`);
  return trace.getSpanContext(context);
};

describe('callTraceContext', () => {
  it('makes the CallSid hex the trace id, the same for every webhook of the call', () => {
    const a = spanContextOf(CALL);
    const b = spanContextOf(CALL);
    expect(a?.traceId).toBe('0123456789abcdef'.repeat(2));
    expect(a?.traceId).toBe(callTraceId(CALL));
    expect(a && isSpanContextValid(a)).toBe(true);
    expect(a?.isRemote).toBe(true);
    expect(b).toEqual(a);
  });

  it('has no context for a malformed CallSid', () => {
    expect(callTraceContext('CA-not-a-sid')).toBeUndefined();
    expect(callTraceId('CA-not-a-sid')).toBeUndefined();
  });
});
