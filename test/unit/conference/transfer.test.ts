import { describe, expect, it } from 'vitest';
import {
  emptyRoster,
  type ParticipantView,
  type Roster,
} from '../../../workflows/conference/roster';
import {
  customerAlone,
  nextTransferStep,
  type TransferView,
} from '../../../workflows/conference/transfer';
import { customerConferenceTwiml } from '../../../workflows/conference/twiml';

const CUSTOMER = 'CA' + '1'.repeat(32);
const A = 'CA' + '2'.repeat(32);
const B = 'CA' + '3'.repeat(32);
const NOW = Date.parse('2026-12-03T16:00:00Z');

function roster(entries: [string, string, ParticipantView['status']][]): Roster {
  const r = emptyRoster();
  for (const [callSid, label, status] of entries) {
    r.participants[callSid] = {
      callSid,
      label,
      address: null,
      status,
      muted: false,
      hold: label === 'customer',
      coaching: false,
      speaking: false,
      reason: status === 'failed' ? 'no-answer' : null,
      callStatus: null,
      sequenceNumber: -1,
      timestamp: null,
      speech: { sequenceNumber: -1, timestamp: null },
    };
  }
  return r;
}

const transfer: TransferView = {
  id: 1,
  to: '+15005550202',
  fromCallSid: A,
  targetLabel: 'agent-2',
  targetCallSid: B,
  phase: 'ringing',
  by: 'alice',
  startedAt: new Date(NOW).toISOString(),
  deadline: new Date(NOW + 80_000).toISOString(),
  endedAt: null,
  outcome: null,
};

describe('warm transfer saga', () => {
  it('waits while B rings and while A and B consult', () => {
    const ringing = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'joined'],
      [B, 'agent-2', 'dialing'],
    ]);
    expect(nextTransferStep(transfer, ringing, CUSTOMER, NOW).kind).toBe('wait');
    const consulting = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'joined'],
      [B, 'agent-2', 'joined'],
    ]);
    expect(nextTransferStep(transfer, consulting, CUSTOMER, NOW).kind).toBe('wait');
  });

  it('completes once B is in and A has left', () => {
    const r = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'left'],
      [B, 'agent-2', 'joined'],
    ]);
    expect(nextTransferStep(transfer, r, CUSTOMER, NOW)).toEqual({ kind: 'complete' });
  });

  it('returns the customer to A when B fails or declines while A is there', () => {
    const failed = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'joined'],
      [B, 'agent-2', 'failed'],
    ]);
    expect(nextTransferStep(transfer, failed, CUSTOMER, NOW)).toEqual({
      kind: 'return-to-agent',
      reason: 'no-answer',
    });
    const declined = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'joined'],
      [B, 'agent-2', 'left'],
    ]);
    expect(nextTransferStep(transfer, declined, CUSTOMER, NOW).kind).toBe('return-to-agent');
  });

  it('sends the customer to voicemail when B fails after A has left', () => {
    const r = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'left'],
      [B, 'agent-2', 'failed'],
    ]);
    expect(nextTransferStep(transfer, r, CUSTOMER, NOW)).toEqual({
      kind: 'voicemail',
      reason: 'no-answer',
    });
  });

  it('counts a B still ringing past the deadline as not answering (a lost callback)', () => {
    const r = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'joined'],
      [B, 'agent-2', 'dialing'],
    ]);
    const late = Date.parse(transfer.deadline);
    expect(nextTransferStep(transfer, r, CUSTOMER, late)).toEqual({
      kind: 'return-to-agent',
      reason: 'no-answer',
    });
  });

  it('a B Twilio refused to dial compensates at once', () => {
    const r = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'joined'],
    ]);
    const refused = { ...transfer, targetCallSid: null };
    expect(nextTransferStep(refused, r, CUSTOMER, NOW)).toEqual({
      kind: 'return-to-agent',
      reason: 'not-dialed',
    });
  });

  it('abandons when the customer has gone', () => {
    const r = roster([
      [CUSTOMER, 'customer', 'left'],
      [A, 'agent-1', 'joined'],
      [B, 'agent-2', 'dialing'],
    ]);
    expect(nextTransferStep(transfer, r, CUSTOMER, NOW)).toEqual({ kind: 'abandon' });
  });

  it('a customer is alone with no agent in or on the way and no transfer running', () => {
    const alone = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'left'],
    ]);
    expect(customerAlone(alone, CUSTOMER, undefined)).toBe(true);
    expect(customerAlone(alone, CUSTOMER, transfer)).toBe(false);
    const ringing = roster([
      [CUSTOMER, 'customer', 'joined'],
      [A, 'agent-1', 'dialing'],
    ]);
    expect(customerAlone(ringing, CUSTOMER, undefined)).toBe(false);
  });
});

describe('customer conference TwiML', () => {
  it('waits with hold music, ends with the customer, reports every event, escapes the name', () => {
    const xml = customerConferenceTwiml({
      name: 'support-<1>&"',
      holdMusicUrl: 'https://example.com/music.mp3?a=1&b=2',
      statusCallbackUrl: 'https://sb.example.com/voice/conference/status',
      record: false,
    });
    expect(xml).toContain('startConferenceOnEnter="false"');
    expect(xml).toContain('endConferenceOnExit="true"');
    expect(xml).toContain('waitUrl="https://example.com/music.mp3?a=1&amp;b=2"');
    expect(xml).toContain(
      'statusCallbackEvent="start end join leave mute hold modify speaker announcement"',
    );
    expect(xml).toContain('>support-&lt;1&gt;&amp;&quot;</Conference>');
    expect(xml).not.toContain('record=');
    expect(xml).not.toContain('recordingStatusCallback');
  });

  it('records from the start only when the recording route is given', () => {
    const base = {
      name: 'support-ticket-842193',
      holdMusicUrl: 'https://example.com/music.mp3',
      statusCallbackUrl: 'https://sb.example.com/voice/conference/status',
      record: true,
    };
    expect(customerConferenceTwiml(base)).not.toContain('record=');
    const xml = customerConferenceTwiml({
      ...base,
      recordingStatusCallbackUrl: 'https://sb.example.com/voice/recording',
    });
    expect(xml).toContain('record="record-from-start"');
    expect(xml).toContain('recordingStatusCallback="https://sb.example.com/voice/recording"');
    expect(xml).toContain('recordingStatusCallbackEvent="completed absent"');
  });
});
