import { WorkflowNotFoundError } from '@temporalio/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeServiceError, UNAVAILABLE } from '../helpers/fake-temporal';
import { harness, signedPost, type Harness } from './harness';

const CF = 'CF' + 'ab'.repeat(16);
const CA = 'CA' + 'cd'.repeat(16);

function event(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC' + 'a'.repeat(32),
    ConferenceSid: CF,
    FriendlyName: 'support-ticket-842193',
    StatusCallbackEvent: 'participant-join',
    SequenceNumber: '3',
    Timestamp: 'Thu, 03 Dec 2026 16:00:03 +0000',
    CallSid: CA,
    Muted: 'false',
    Hold: 'true',
    Coaching: 'false',
    ParticipantLabel: 'customer',
    ...overrides,
  };
}

describe('conference routes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ CONFERENCE_CALLER_ID: '+15005550006' });
  });
  afterEach(() => h.app.close());

  it('signals a conference event to conference-{FriendlyName}, keyed and typed', async () => {
    const res = await h.app.inject(signedPost(h, '/voice/conference/status', event()));
    expect(res.statusCode).toBe(204);
    expect(h.temporal.signals).toHaveLength(1);
    const [call] = h.temporal.signals;
    expect(call).toMatchObject({
      method: 'signal',
      workflowId: 'conference-support-ticket-842193',
    });
    expect(call?.args[0]).toEqual([
      {
        kind: 'conference',
        key: `${CF}:3:participant-join:${CA}`,
        event: 'participant-join',
        conferenceSid: CF,
        sequenceNumber: 3,
        timestamp: '2026-12-03T16:00:03.000Z',
        callSid: CA,
        label: 'customer',
        muted: false,
        hold: true,
        coaching: false,
      },
    ]);
  });

  it('refuses an unsigned or forged callback before anything runs', async () => {
    const req = signedPost(h, '/voice/conference/status', event());
    const forged = await h.app.inject({
      ...req,
      headers: { ...req.headers, 'x-twilio-signature': 'AAAA' },
    });
    expect(forged.statusCode).toBe(403);
    expect(h.temporal.calls).toHaveLength(0);
  });

  it('refuses malformed parameters with 400 and a clear message', async () => {
    const cases: Record<string, string>[] = [
      { FriendlyName: 'has spaces' },
      { ConferenceSid: 'CF123' },
      { StatusCallbackEvent: 'participant-dance' },
      { SequenceNumber: '-1' },
      { Muted: 'maybe' },
      { Timestamp: 'not a date' },
    ];
    for (const bad of cases) {
      const res = await h.app.inject(signedPost(h, '/voice/conference/status', event(bad)));
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect(h.temporal.calls).toHaveLength(0);
  });

  it('keeps a callback in the inbox while Temporal is away, and answers 202', async () => {
    h.temporal.onSignal = () => Promise.reject(new FakeServiceError(UNAVAILABLE, 'unavailable'));
    const res = await h.app.inject(signedPost(h, '/voice/conference/status', event()));
    expect(res.statusCode).toBe(202);
    const insert = h.db.queries.find((q) => q.text.includes('INSERT INTO callback_inbox'));
    expect(insert?.values?.slice(0, 4)).toEqual([
      'conference',
      'conference',
      `conference:conference-support-ticket-842193:${CF}:3:participant-join:${CA}`,
      'conference-support-ticket-842193',
    ]);
  });

  it('answers 503 when the callback can be neither signalled nor kept, so Twilio retries', async () => {
    h.temporal.onSignal = () => Promise.reject(new FakeServiceError(UNAVAILABLE, 'unavailable'));
    h.db.fail = new Error('database down');
    const res = await h.app.inject(signedPost(h, '/voice/conference/status', event()));
    expect(res.statusCode).toBe(503);
  });

  it('drops (204) a callback for a conference no workflow runs', async () => {
    h.temporal.onSignal = () => Promise.reject(new WorkflowNotFoundError('gone', 'x', undefined));
    const res = await h.app.inject(signedPost(h, '/voice/conference/status', event()));
    expect(res.statusCode).toBe(204);
    expect(h.db.queries.some((q) => q.text.includes('callback_inbox'))).toBe(false);
  });

  it('an IVR conference callback names agent A and starts the workflow with it', async () => {
    const path = '/voice/conference/status?agent=%2B15005550201';
    const res = await h.app.inject(signedPost(h, path, event()));
    expect(res.statusCode).toBe(204);
    const [call] = h.temporal.signals;
    expect(call?.method).toBe('signalWithStart');
    expect(call?.startArgs?.[0]).toMatchObject({
      name: 'support-ticket-842193',
      agent: '+15005550201',
      customerJoinsItself: true,
      by: 'ivr',
      revision: 1,
    });
    const bad = await h.app.inject(signedPost(h, '/voice/conference/status?agent=nobody', event()));
    expect(bad.statusCode).toBe(400);
  });

  it('a dialed leg’s call status reaches its conference as a call-status callback', async () => {
    const res = await h.app.inject(
      signedPost(h, '/voice/conference/participant-status?conference=support-ticket-842193', {
        AccountSid: 'AC' + 'a'.repeat(32),
        CallSid: CA,
        CallStatus: 'no-answer',
        SequenceNumber: '2',
        Timestamp: 'Thu, 03 Dec 2026 16:00:05 +0000',
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(h.temporal.signals[0]?.args[0]).toEqual([
      {
        kind: 'call-status',
        key: `${CA}:2:no-answer`,
        callSid: CA,
        callStatus: 'no-answer',
        sequenceNumber: 2,
        timestamp: '2026-12-03T16:00:05.000Z',
      },
    ]);
  });

  it('voicemail: asks for a message, then audits the recording and says goodbye', async () => {
    const path = '/voice/conference/voicemail?conference=support-ticket-842193';
    const first = await h.app.inject(signedPost(h, path, { CallSid: CA }));
    expect(first.headers['content-type']).toContain('text/xml');
    expect(first.body).toContain('leave a message');
    expect(first.body).toContain('<Record');
    expect(first.body).not.toContain('recordingStatusCallback');
    const second = await h.app.inject(
      signedPost(h, path, { CallSid: CA, RecordingSid: 'RE' + '1'.repeat(32) }),
    );
    expect(second.body).toContain('Goodbye');
    const audit = h.db.queries.find((q) => q.text.includes('INSERT INTO conference_audit'));
    expect(audit?.values?.[0]).toBe(`voicemail:RE${'1'.repeat(32)}`);
  });
});
