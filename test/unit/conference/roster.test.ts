import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  ConferenceCallback,
  ConferenceEvent,
} from '../../../workflows/conference/definitions';
import {
  addDialing,
  applyCallback,
  emptyRoster,
  type Roster,
} from '../../../workflows/conference/roster';

const CF = 'CF' + '0'.repeat(32);
const sid = (n: number): string => 'CA' + String(n).padStart(32, '0');
const at = (seq: number): string => new Date(Date.UTC(2026, 11, 3, 16, 0, seq)).toISOString();

function ev(seq: number, event: string, extra: Partial<ConferenceEvent> = {}): ConferenceEvent {
  return {
    kind: 'conference',
    key: `${CF}:${seq}:${event}:${extra.callSid ?? ''}`,
    event,
    conferenceSid: CF,
    sequenceNumber: seq,
    timestamp: at(seq),
    ...extra,
  };
}

function part(seq: number, event: string, n: number, flags: Partial<ConferenceEvent> = {}) {
  return ev(seq, event, { callSid: sid(n), muted: false, hold: false, coaching: false, ...flags });
}

/** The callbacks of one plausible conference: three joins, mutes and holds, one leave. */
const conference: ConferenceCallback[] = [
  part(0, 'participant-join', 1, { label: 'customer' }),
  part(1, 'participant-join', 2, { label: 'agent-1' }),
  ev(2, 'conference-start'),
  part(3, 'participant-hold', 1, { hold: true }),
  part(4, 'participant-join', 3, { label: 'agent-2' }),
  part(5, 'participant-mute', 3, { muted: true }),
  part(6, 'participant-leave', 2, { reason: 'participant_hung_up' }),
  part(7, 'participant-unhold', 1, { hold: false }),
  part(8, 'participant-unmute', 3, { muted: false }),
  part(9, 'participant-mute', 1, { muted: true }),
  part(10, 'participant-speech-start', 3),
  part(11, 'participant-speech-stop', 1, { muted: true }),
];

function apply(callbacks: ConferenceCallback[]): Roster {
  const roster = emptyRoster();
  for (const cb of callbacks) applyCallback(roster, cb);
  return roster;
}

/** What must not depend on delivery order: who is in, and the state of those who are. */
function essence(r: Roster) {
  return Object.fromEntries(
    Object.values(r.participants).map((p) => [
      p.callSid,
      p.status === 'joined'
        ? {
            status: p.status,
            label: p.label,
            muted: p.muted,
            hold: p.hold,
            coaching: p.coaching,
            speaking: p.speaking,
          }
        : { status: p.status, label: p.label },
    ]),
  );
}

describe('conference participant list', () => {
  it('follows the callbacks in order', () => {
    const r = apply(conference);
    expect(essence(r)).toEqual({
      [sid(1)]: {
        status: 'joined',
        label: 'customer',
        muted: true,
        hold: false,
        coaching: false,
        speaking: false,
      },
      [sid(2)]: { status: 'left', label: 'agent-1' },
      [sid(3)]: {
        status: 'joined',
        label: 'agent-2',
        muted: false,
        hold: false,
        coaching: false,
        speaking: true,
      },
    });
    expect(r.conference).toMatchObject({ sid: CF, status: 'in-progress' });
  });

  it('is the same under any duplication and order of the callbacks', () => {
    const expected = essence(apply(conference));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: conference.length - 1 }), { maxLength: 10 }),
        fc.func(fc.integer()),
        (dupes, rank) => {
          const delivered = [...conference, ...dupes.map((i) => conference[i]!)];
          const shuffled = delivered
            .map((cb, i) => ({ cb, k: rank(i) }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.cb);
          expect(essence(apply(shuffled))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores a duplicate, and an older event never overwrites a newer one', () => {
    const r = emptyRoster();
    expect(applyCallback(r, part(1, 'participant-join', 1))).toBe(true);
    expect(applyCallback(r, part(5, 'participant-mute', 1, { muted: true }))).toBe(true);
    expect(applyCallback(r, part(5, 'participant-mute', 1, { muted: true }))).toBe(false);
    applyCallback(r, part(3, 'participant-unmute', 1, { muted: false }));
    expect(r.participants[sid(1)]?.muted).toBe(true);
  });

  it('orders by Timestamp when Twilio sends no SequenceNumber', () => {
    const r = emptyRoster();
    applyCallback(r, { ...part(4, 'participant-hold', 1, { hold: true }), sequenceNumber: -1 });
    applyCallback(r, { ...part(2, 'participant-unhold', 1, { hold: false }), sequenceNumber: -1 });
    expect(r.participants[sid(1)]).toMatchObject({ status: 'joined', hold: true });
  });

  it('a conference-end that overtakes a join leaves nobody listed as in it', () => {
    const r = emptyRoster();
    applyCallback(r, ev(9, 'conference-end', { reason: 'last-participant-left' }));
    applyCallback(r, part(1, 'participant-join', 1));
    expect(r.participants[sid(1)]).toMatchObject({ status: 'left', reason: 'conference_ended' });
    expect(r.conference).toMatchObject({ status: 'ended', endedReason: 'last-participant-left' });
  });

  it('a dialed leg fails with its final call status, or leaves once it had joined', () => {
    const r = emptyRoster();
    addDialing(r, sid(7), 'agent-2', '+15005550202');
    const status = (callStatus: string, seq: number): ConferenceCallback => ({
      kind: 'call-status',
      key: `${sid(7)}:${seq}:${callStatus}`,
      callSid: sid(7),
      callStatus,
      sequenceNumber: seq,
      timestamp: at(seq),
    });
    applyCallback(r, status('ringing', 1));
    expect(r.participants[sid(7)]?.status).toBe('dialing');
    applyCallback(r, status('no-answer', 2));
    expect(r.participants[sid(7)]).toMatchObject({ status: 'failed', callStatus: 'no-answer' });
    // A leave for a leg that never joined (participant_add_failed) is a failure too.
    addDialing(r, sid(8), 'agent-3', '+15005550203');
    applyCallback(r, part(3, 'participant-leave', 8, { reason: 'participant_add_failed' }));
    expect(r.participants[sid(8)]).toMatchObject({ status: 'failed' });
  });

  it('a leg that fails before its dial has returned is failed once the workflow learns of it', () => {
    const r = emptyRoster();
    applyCallback(r, {
      kind: 'call-status',
      key: 'early',
      callSid: sid(9),
      callStatus: 'busy',
      sequenceNumber: 2,
      timestamp: at(2),
    });
    expect(r.participants[sid(9)]).toBeUndefined();
    addDialing(r, sid(9), 'agent-2', '+15005550204');
    expect(r.participants[sid(9)]).toMatchObject({ status: 'failed', callStatus: 'busy' });
  });
});
