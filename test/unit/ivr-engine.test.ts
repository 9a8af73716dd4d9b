import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateIvr } from '../../src/ivr/validate';
import {
  advanceIvr,
  startIvr,
  stepId,
  type IvrInput,
  type IvrOutcome,
} from '../../workflows/ivr/engine';
import { isOpen, localTime } from '../../workflows/ivr/hours';
import type { HoursNode, IvrDefinition } from '../../workflows/ivr/types';
import type { TwimlVerb } from '../../workflows/shared/twiml-plan';

const root = path.resolve(__dirname, '..', '..');
const load = (file: string): IvrDefinition =>
  validateIvr(JSON.parse(readFileSync(path.join(root, file), 'utf8')));
const demo = load('ivrs/demo.json');
const testLine = load('test/fixtures/ivrs/test-line.json');

// America/New_York: EST (UTC-5) until 2026-03-08 02:00, EDT (UTC-4) after.
const WEDNESDAY_10AM = new Date('2026-03-04T15:00:00Z');
const SATURDAY_10AM = new Date('2026-03-07T15:00:00Z');
const CHRISTMAS_10AM = new Date('2026-12-25T15:00:00Z');

const silence: IvrInput = { kind: 'gather' };
const press = (digits: string): IvrInput => ({ kind: 'gather', digits });
const say = (speech: string): IvrInput => ({ kind: 'gather', speech, confidence: 0.9 });

/** Feeds inputs one after another, as the workflow does with each action request. */
function run(def: IvrDefinition, now: Date, ...inputs: IvrInput[]): IvrOutcome[] {
  const outcomes = [startIvr(def, now)];
  for (const input of inputs) {
    const last = outcomes[outcomes.length - 1]!;
    outcomes.push(advanceIvr(def, last.state, input, now));
  }
  return outcomes;
}
const last = (outcomes: IvrOutcome[]): IvrOutcome => outcomes[outcomes.length - 1]!;
const verbsOf = (o: IvrOutcome): TwimlVerb['verb'][] => o.plan.verbs.map((v) => v.verb);
function verb<K extends TwimlVerb['verb']>(
  o: IvrOutcome,
  kind: K,
): Extract<TwimlVerb, { verb: K }> {
  const found = o.plan.verbs.find((v) => v.verb === kind);
  if (!found) throw new Error(`plan has no ${kind}: ${JSON.stringify(o.plan)}`);
  return found as Extract<TwimlVerb, { verb: K }>;
}
const saidTexts = (o: IvrOutcome): string[] =>
  o.plan.verbs.flatMap((v) =>
    v.verb === 'say'
      ? [v.text]
      : v.verb === 'gather'
        ? v.prompts.flatMap((p) => (p.verb === 'say' ? [p.text] : []))
        : [],
  );

describe('startIvr', () => {
  it('greets and asks the main menu on the always-open test line', () => {
    const start = startIvr(testLine, WEDNESDAY_10AM);
    expect(verbsOf(start)).toEqual(['say', 'gather']);
    expect(start.state).toMatchObject({ node: 'main', attempts: 0, ended: false });
    expect(start.effects).toEqual([
      { kind: 'entered', node: 'greeting' },
      { kind: 'entered', node: 'hours' },
      { kind: 'entered', node: 'main' },
    ]);
    const gather = verb(start, 'gather');
    expect(gather).toMatchObject({
      input: ['dtmf', 'speech'],
      action: { step: stepId(start.state) },
      numDigits: 1,
      timeout: 5,
      speechTimeout: 'auto',
      language: 'en-US',
      hints: ['sales', 'support', 'operator'],
    });
    expect(saidTexts(start)).toEqual([
      'Thanks for calling the Switchboard demo line.',
      'For sales, press 1 or say sales. For support, press 2 or say support. For the operator, press 0.',
    ]);
  });

  it('asks for recording consent first on the demo line', () => {
    const start = startIvr(demo, WEDNESDAY_10AM);
    expect(start.state.node).toBe('consent');
    const gather = verb(start, 'gather');
    expect(gather.input).toEqual(['dtmf', 'speech']);
    expect(gather.numDigits).toBe(1);
  });

  it('gives every prompt the IVR default Polly voice and language', () => {
    const outcomes = run(testLine, WEDNESDAY_10AM, silence, press('9'), press('1'), {
      kind: 'dial',
      status: 'busy',
    });
    const says = outcomes.flatMap((o) =>
      o.plan.verbs.flatMap((v) => (v.verb === 'gather' ? v.prompts : [v])),
    );
    const sayVerbs = says.filter((v) => v.verb === 'say');
    expect(sayVerbs.length).toBeGreaterThan(5);
    for (const s of sayVerbs) {
      expect(s).toMatchObject({ voice: 'Polly.Joanna', language: 'en-US' });
    }
  });

  it('lets a prompt override the default voice', () => {
    const def = structuredClone(testLine);
    def.nodes.greeting = {
      type: 'message',
      prompt: [{ say: 'Hola.', voice: 'Polly.Lupe', language: 'es-US' }],
      next: 'hours',
    };
    const first = startIvr(def, WEDNESDAY_10AM).plan.verbs[0];
    expect(first).toEqual({ verb: 'say', text: 'Hola.', voice: 'Polly.Lupe', language: 'es-US' });
  });
});

describe('main menu', () => {
  it('transfers to sales on DTMF 1 with callerId and recording', () => {
    const outcome = last(run(testLine, WEDNESDAY_10AM, press('1')));
    expect(outcome.state.node).toBe('sales');
    expect(verbsOf(outcome)).toEqual(['say', 'dial']);
    expect(verb(outcome, 'dial')).toEqual({
      verb: 'dial',
      target: { kind: 'number', to: '+15005550101' },
      action: { step: stepId(outcome.state) },
      timeout: 20,
      callerId: '+15005550006',
      record: 'record-from-answer',
    });
    expect(outcome.effects).toContainEqual({
      kind: 'selected',
      node: 'main',
      option: 'sales',
      via: 'dtmf',
    });
  });

  it('routes speech by keyword to support', () => {
    const outcome = last(run(testLine, WEDNESDAY_10AM, say('I need support please')));
    expect(outcome.state.node).toBe('support');
    expect(verb(outcome, 'dial').target).toEqual({
      kind: 'sip',
      to: 'sip:support@switchboard-demo.sip.twilio.com',
    });
    expect(verb(outcome, 'dial').record).toBeUndefined();
    expect(outcome.effects).toContainEqual({
      kind: 'selected',
      node: 'main',
      option: 'support',
      via: 'speech',
    });
  });

  it('matches keywords as whole words, ignoring case and punctuation', () => {
    expect(last(run(testLine, WEDNESDAY_10AM, say('SALES!'))).state.node).toBe('sales');
    const partial = last(run(testLine, WEDNESDAY_10AM, say('salesperson')));
    expect(partial.state.node).toBe('main');
    expect(partial.effects).toEqual([
      { kind: 'failed', node: 'main', reason: 'invalid', attempt: 1 },
    ]);
  });

  it('hangs up with goodbye after three silences', () => {
    const outcomes = run(testLine, WEDNESDAY_10AM, silence, silence, silence);
    const failures = outcomes.flatMap((o) => o.effects.filter((e) => e.kind === 'failed'));
    expect(failures).toEqual(
      [1, 2, 3].map((attempt) => ({
        kind: 'failed',
        node: 'main',
        reason: 'no-input',
        attempt,
      })),
    );
    const [, first, second, third] = outcomes;
    expect(saidTexts(first!)[0]).toBe("Sorry, I didn't hear anything.");
    expect(verbsOf(first!)).toEqual(['say', 'gather']);
    expect(first!.state).toMatchObject({ node: 'main', attempts: 1 });
    expect(second!.state).toMatchObject({ node: 'main', attempts: 2 });
    // Each retry gets a new step, so a late action for the previous prompt is recognised as stale.
    expect(stepId(first!.state)).not.toBe(stepId(second!.state));
    expect(third!.state).toMatchObject({ node: 'goodbye', ended: true });
    expect(third!.plan.verbs).toEqual([
      {
        verb: 'say',
        text: "We didn't hear from you. Goodbye.",
        voice: 'Polly.Joanna',
        language: 'en-US',
      },
      { verb: 'hangup' },
    ]);
  });

  it('sends the caller to the operator after three invalid choices', () => {
    const outcomes = run(testLine, WEDNESDAY_10AM, press('9'), press('77'), say('pizza'));
    const failures = outcomes.flatMap((o) => o.effects.filter((e) => e.kind === 'failed'));
    expect(failures.map((f) => f.kind === 'failed' && [f.reason, f.attempt])).toEqual([
      ['invalid', 1],
      ['invalid', 2],
      ['invalid', 3],
    ]);
    expect(saidTexts(outcomes[1]!)[0]).toBe('Sorry, that is not an option.');
    const end = last(outcomes);
    expect(end.state.node).toBe('operator');
    expect(verb(end, 'dial').target).toEqual({ kind: 'client', to: 'operator' });
    expect(verb(end, 'dial').timeout).toBe(30);
  });

  it('counts silence and invalid input against the same attempts', () => {
    const end = last(run(testLine, WEDNESDAY_10AM, silence, press('9'), silence));
    expect(end.state.node).toBe('goodbye');
  });

  it('re-asks the menu when an input of the wrong kind arrives', () => {
    const [start, after] = run(testLine, WEDNESDAY_10AM, { kind: 'dial', status: 'busy' });
    expect(after!.state).toEqual(start!.state);
    expect(verbsOf(after!)).toEqual(['gather']);
    expect(after!.effects).toEqual([]);
  });
});

describe('transfer and voicemail', () => {
  for (const status of ['busy', 'no-answer', 'failed', 'canceled']) {
    it(`goes to voicemail when the transfer ends ${status}`, () => {
      const end = last(run(testLine, WEDNESDAY_10AM, press('1'), { kind: 'dial', status }));
      expect(end.state.node).toBe('voicemail');
      expect(end.effects[0]).toEqual({ kind: 'transfer-ended', node: 'sales', status });
      expect(verbsOf(end)).toEqual(['say', 'record']);
      expect(verb(end, 'record')).toEqual({
        verb: 'record',
        action: { step: stepId(end.state) },
        maxLength: 120,
        timeout: 5,
        playBeep: true,
        finishOnKey: '#',
        recordingStatusCallback: true,
      });
    });
  }

  it('hangs up after a completed transfer', () => {
    const end = last(
      run(testLine, WEDNESDAY_10AM, press('1'), {
        kind: 'dial',
        status: 'completed',
        durationSeconds: 30,
      }),
    );
    expect(end.state).toMatchObject({ node: 'sales', ended: true });
    expect(end.plan.verbs).toEqual([{ verb: 'hangup' }]);
  });

  it('thanks the caller, hangs up and reports the voicemail', () => {
    const recording = {
      kind: 'record' as const,
      recordingUrl: 'https://api.twilio.com/rec/RE1',
      recordingSid: 'RE' + '1'.repeat(32),
      durationSeconds: 12,
    };
    const end = last(
      run(testLine, WEDNESDAY_10AM, press('2'), { kind: 'dial', status: 'no-answer' }, recording),
    );
    expect(end.state.ended).toBe(true);
    expect(saidTexts(end)).toEqual(['Thank you. We will call you back. Goodbye.']);
    expect(verbsOf(end)).toEqual(['say', 'hangup']);
    expect(end.effects).toEqual([
      {
        kind: 'voicemail',
        recordingUrl: recording.recordingUrl,
        recordingSid: recording.recordingSid,
        durationSeconds: 12,
      },
    ]);
  });
});

describe('recording consent', () => {
  const consentThenSales = (answer: IvrInput): IvrOutcome[] =>
    run(demo, WEDNESDAY_10AM, answer, press('1'));

  it('records the transfer when the caller accepts by DTMF', () => {
    const [, consent, sales] = consentThenSales(press('1'));
    expect(consent!.effects[0]).toEqual({ kind: 'consent', granted: true, answered: true });
    expect(consent!.state).toMatchObject({ node: 'main', consent: 'granted' });
    expect(verb(sales!, 'dial').record).toBe('record-from-answer');
  });

  it('records the transfer when the caller says yes', () => {
    const [, consent, sales] = consentThenSales(say('Yes, sure.'));
    expect(consent!.effects[0]).toEqual({ kind: 'consent', granted: true, answered: true });
    expect(verb(sales!, 'dial').record).toBe('record-from-answer');
  });

  it('does not record the transfer when the caller declines', () => {
    const [, consent, sales] = consentThenSales(press('2'));
    expect(consent!.effects[0]).toEqual({ kind: 'consent', granted: false, answered: true });
    expect(consent!.state.consent).toBe('declined');
    const dial = verb(sales!, 'dial');
    expect(dial.record).toBeUndefined();
    expect(dial.callerId).toBe('+15005550006');
  });

  it('treats no answer as declined: recording needs an explicit yes', () => {
    const [, consent, sales] = consentThenSales(silence);
    expect(consent!.effects[0]).toEqual({ kind: 'consent', granted: false, answered: false });
    expect(verb(sales!, 'dial').record).toBeUndefined();
  });

  it('treats an unknown key as no answer', () => {
    const [, consent] = consentThenSales(press('7'));
    expect(consent!.effects[0]).toEqual({ kind: 'consent', granted: false, answered: false });
  });
});

describe('business hours', () => {
  const afterConsent = (at: Date): IvrOutcome => last(run(demo, at, press('1')));

  it('opens on a weekday morning in New York', () => {
    expect(afterConsent(WEDNESDAY_10AM).state.node).toBe('main');
  });

  it('is closed at the weekend and sends the caller to voicemail', () => {
    const closed = afterConsent(SATURDAY_10AM);
    expect(closed.state.node).toBe('voicemail');
    expect(saidTexts(closed)[0]).toMatch(/^Our office is closed/);
    expect(verbsOf(closed)).toEqual(['say', 'say', 'record']);
    expect(closed.effects.map((e) => e.kind === 'entered' && e.node)).toContain('closed');
  });

  it('is closed on a listed date even on a weekday', () => {
    expect(afterConsent(CHRISTMAS_10AM).state.node).toBe('voicemail');
    expect(afterConsent(new Date('2026-12-24T15:00:00Z')).state.node).toBe('main');
  });

  it('reads the closed date in the IVR zone, not UTC', () => {
    const def = structuredClone(testLine);
    (def.nodes.hours as HoursNode).closedDates = ['2026-12-25'];
    const lateOn24th = new Date('2026-12-25T03:00:00Z'); // 22:00 on the 24th in New York
    expect(startIvr(def, lateOn24th).state.node).toBe('main');
    const lateOn25th = new Date('2026-12-26T03:00:00Z'); // 22:00 on the 25th in New York
    expect(startIvr(def, lateOn25th).state.node).toBe('voicemail');
  });

  it('follows daylight saving time: 09:30 EDT is open, 17:30 EDT is closed', () => {
    // Monday 2026-03-09, the day after clocks went forward: UTC-4.
    expect(afterConsent(new Date('2026-03-09T13:30:00Z')).state.node).toBe('main');
    expect(afterConsent(new Date('2026-03-09T21:30:00Z')).state.node).toBe('voicemail');
    // Friday 2026-03-06, still standard time: 13:30Z is 08:30 EST, before opening.
    expect(afterConsent(new Date('2026-03-06T13:30:00Z')).state.node).toBe('voicemail');
    // Monday 2026-11-02, the day after clocks went back: 14:30Z is 09:30 EST.
    expect(afterConsent(new Date('2026-11-02T14:30:00Z')).state.node).toBe('main');
    expect(afterConsent(new Date('2026-11-02T13:30:00Z')).state.node).toBe('voicemail');
  });

  it('opens at "from" inclusive and closes at "to" exclusive', () => {
    const hours = demo.nodes.hours as HoursNode;
    const zone = demo.timeZone;
    expect(isOpen(hours, new Date('2026-03-04T14:00:00Z'), zone)).toBe(true); // 09:00 EST
    expect(isOpen(hours, new Date('2026-03-04T13:59:00Z'), zone)).toBe(false);
    expect(isOpen(hours, new Date('2026-03-04T21:59:00Z'), zone)).toBe(true); // 16:59 EST
    expect(isOpen(hours, new Date('2026-03-04T22:00:00Z'), zone)).toBe(false); // 17:00 EST
  });

  it('reads wall-clock time in other zones', () => {
    // Europe/London springs forward at 01:00 UTC on 2026-03-29.
    const before = new Date('2026-03-29T00:30:00Z');
    const after = new Date('2026-03-29T01:30:00Z');
    expect(localTime(before, 'Europe/London')).toEqual({
      date: '2026-03-29',
      day: 'sun',
      minutes: 30,
    });
    expect(localTime(after, 'Europe/London').minutes).toBe(150);
    expect(localTime(after, 'Asia/Tokyo')).toEqual({
      date: '2026-03-29',
      day: 'sun',
      minutes: 630,
    });
    expect(localTime(new Date('2026-03-29T00:00:00Z'), 'UTC').minutes).toBe(0);
  });
});
