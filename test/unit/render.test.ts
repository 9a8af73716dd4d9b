import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import {
  renderHold,
  renderMessageAndHangup,
  renderPlan,
  type RenderUrls,
} from '../../src/twiml/render';
import type { TwimlVerb } from '../../workflows/shared/twiml-plan';

const BASE = 'https://voice.example.com';
const urls: RenderUrls = {
  action: (ref, on) =>
    `${BASE}/voice/event?wf=call-CA1&step=${encodeURIComponent(ref.step)}&on=${on}`,
  recordingStatus: `${BASE}/voice/recording`,
};

/** Parses TwiML strictly: any XML error fails the test. */
function parse(xml: string): Element {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (!root) throw new Error('no root element');
  expect(root.tagName).toBe('Response');
  return root;
}

const children = (el: Element): Element[] =>
  Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);

function render(...verbs: TwimlVerb[]): Element[] {
  return children(parse(renderPlan({ verbs }, urls)));
}

function only(...verbs: TwimlVerb[]): Element {
  const [el, ...rest] = render(...verbs);
  expect(rest).toEqual([]);
  return el!;
}

const attrs = (el: Element): Record<string, string> =>
  Object.fromEntries(Array.from(el.attributes).map((a) => [a.name, a.value]));

describe('renderPlan', () => {
  it('renders Say with a Polly voice and language', () => {
    const say = only({
      verb: 'say',
      text: 'Hello there.',
      voice: 'Polly.Joanna',
      language: 'en-US',
      loop: 2,
    });
    expect(say.tagName).toBe('Say');
    expect(attrs(say)).toEqual({ voice: 'Polly.Joanna', language: 'en-US', loop: '2' });
    expect(say.textContent).toBe('Hello there.');
  });

  it('renders Say without attributes when none are given', () => {
    const say = only({ verb: 'say', text: 'Plain.' });
    expect(attrs(say)).toEqual({});
  });

  it('renders Play and Pause', () => {
    const [play, pause] = render(
      { verb: 'play', url: 'https://cdn.example.com/a.mp3', loop: 3 },
      { verb: 'pause', length: 2 },
    );
    expect(play!.tagName).toBe('Play');
    expect(attrs(play!)).toEqual({ loop: '3' });
    expect(play!.textContent).toBe('https://cdn.example.com/a.mp3');
    expect(pause!.tagName).toBe('Pause');
    expect(attrs(pause!)).toEqual({ length: '2' });
  });

  it('renders Gather with nested prompts and every option', () => {
    const gather = only({
      verb: 'gather',
      input: ['dtmf', 'speech'],
      action: { step: '3.main' },
      numDigits: 1,
      finishOnKey: '#',
      timeout: 5,
      speechTimeout: 'auto',
      hints: ['sales', 'support'],
      language: 'en-US',
      prompts: [
        { verb: 'say', text: 'Press 1.', voice: 'Polly.Joanna', language: 'en-US' },
        { verb: 'pause', length: 1 },
        { verb: 'play', url: 'https://cdn.example.com/beep.mp3' },
      ],
    });
    expect(gather.tagName).toBe('Gather');
    expect(attrs(gather)).toEqual({
      input: 'dtmf speech',
      action: `${BASE}/voice/event?wf=call-CA1&step=3.main&on=gather`,
      method: 'POST',
      actionOnEmptyResult: 'true',
      numDigits: '1',
      finishOnKey: '#',
      timeout: '5',
      speechTimeout: 'auto',
      hints: 'sales, support',
      language: 'en-US',
    });
    const nested = children(gather);
    expect(nested.map((n) => n.tagName)).toEqual(['Say', 'Pause', 'Play']);
    expect(attrs(nested[0]!)).toEqual({ voice: 'Polly.Joanna', language: 'en-US' });
  });

  it('keeps an empty finishOnKey, which turns the key off', () => {
    const gather = only({
      verb: 'gather',
      input: ['dtmf'],
      action: { step: '1.m' },
      finishOnKey: '',
      prompts: [],
    });
    expect(gather.getAttribute('finishOnKey')).toBe('');
  });

  it.each([
    ['number', '+15005550101', 'Number'],
    ['client', 'operator', 'Client'],
    ['sip', 'sip:support@example.sip.twilio.com', 'Sip'],
  ] as const)('renders Dial to a %s', (kind, to, tag) => {
    const dial = only({
      verb: 'dial',
      target: { kind, to },
      action: { step: '4.sales' },
      callerId: '+15005550006',
      timeout: 20,
      record: 'record-from-answer',
    });
    expect(dial.tagName).toBe('Dial');
    expect(attrs(dial)).toEqual({
      action: `${BASE}/voice/event?wf=call-CA1&step=4.sales&on=dial`,
      method: 'POST',
      callerId: '+15005550006',
      timeout: '20',
      record: 'record-from-answer',
      recordingStatusCallback: `${BASE}/voice/recording`,
    });
    const [noun, ...rest] = children(dial);
    expect(rest).toEqual([]);
    expect(noun!.tagName).toBe(tag);
    expect(noun!.textContent).toBe(to);
  });

  it('renders Dial without recording attributes when not recording', () => {
    const dial = only({
      verb: 'dial',
      target: { kind: 'number', to: '+15005550101' },
      action: { step: '4.sales' },
      answerOnBridge: true,
    });
    expect(attrs(dial)).toEqual({
      action: `${BASE}/voice/event?wf=call-CA1&step=4.sales&on=dial`,
      method: 'POST',
      answerOnBridge: 'true',
    });
  });

  it('renders Record with its recording callback', () => {
    const record = only({
      verb: 'record',
      action: { step: '5.voicemail' },
      maxLength: 120,
      timeout: 5,
      playBeep: true,
      finishOnKey: '#',
      recordingStatusCallback: true,
    });
    expect(record.tagName).toBe('Record');
    expect(attrs(record)).toEqual({
      action: `${BASE}/voice/event?wf=call-CA1&step=5.voicemail&on=record`,
      method: 'POST',
      maxLength: '120',
      timeout: '5',
      playBeep: 'true',
      finishOnKey: '#',
      recordingStatusCallback: `${BASE}/voice/recording`,
      recordingStatusCallbackEvent: 'completed absent',
    });
  });

  it('renders Record without a callback when the server has no recording URL', () => {
    const plain = children(
      parse(
        renderPlan(
          {
            verbs: [
              {
                verb: 'record',
                action: { step: '5.vm' },
                maxLength: 60,
                playBeep: false,
                recordingStatusCallback: true,
              },
            ],
          },
          { action: (ref, on) => urls.action(ref, on) },
        ),
      ),
    )[0]!;
    expect(attrs(plain)).toEqual({
      action: `${BASE}/voice/event?wf=call-CA1&step=5.vm&on=record`,
      method: 'POST',
      maxLength: '60',
      playBeep: 'false',
    });
  });

  it('renders Redirect, Hangup and Reject', () => {
    const [redirect, hangup, reject, busy] = render(
      { verb: 'redirect', action: { step: '6.main' } },
      { verb: 'hangup' },
      { verb: 'reject' },
      { verb: 'reject', reason: 'busy' },
    );
    expect(redirect!.tagName).toBe('Redirect');
    expect(attrs(redirect!)).toEqual({ method: 'POST' });
    expect(redirect!.textContent).toBe(`${BASE}/voice/event?wf=call-CA1&step=6.main&on=resume`);
    expect(hangup!.tagName).toBe('Hangup');
    expect(children(hangup!)).toEqual([]);
    expect(reject!.tagName).toBe('Reject');
    expect(attrs(reject!)).toEqual({});
    expect(attrs(busy!)).toEqual({ reason: 'busy' });
  });

  it('renders an empty plan as an empty Response', () => {
    expect(render()).toEqual([]);
  });

  it('escapes <, &, and quotes in text', () => {
    const text = `Tom & Jerry's "<b>deal</b>" ]]> </Say><Hangup/>`;
    const xml = renderPlan({ verbs: [{ verb: 'say', text }] }, urls);
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('<Hangup/>');
    const say = children(parse(xml));
    expect(say).toHaveLength(1);
    expect(say[0]!.textContent).toBe(text);
  });

  it('escapes &, quotes and angle brackets in URLs and attributes', () => {
    const hostile: RenderUrls = {
      action: (ref) => `${BASE}/voice/event?a=1&step=${ref.step}&q="x"&r='y'&s=<z>`,
    };
    const xml = renderPlan(
      {
        verbs: [
          {
            verb: 'gather',
            input: ['dtmf'],
            action: { step: '1.main' },
            hints: [`"quoted" & <tag>`],
            prompts: [{ verb: 'play', url: 'https://cdn.example.com/a.mp3?x=1&y=<2>' }],
          },
          { verb: 'redirect', action: { step: '2.main' } },
        ],
      },
      hostile,
    );
    expect(xml).toContain('&amp;step=1.main');
    const [gather, redirect] = children(parse(xml));
    expect(gather!.getAttribute('action')).toBe(
      `${BASE}/voice/event?a=1&step=1.main&q="x"&r='y'&s=<z>`,
    );
    expect(gather!.getAttribute('hints')).toBe(`"quoted" & <tag>`);
    expect(children(gather!)[0]!.textContent).toBe('https://cdn.example.com/a.mp3?x=1&y=<2>');
    expect(redirect!.textContent).toBe(`${BASE}/voice/event?a=1&step=2.main&q="x"&r='y'&s=<z>`);
  });
});

describe('fallback TwiML', () => {
  it('holds with Say, Pause and a Redirect to the retry URL', () => {
    const retry = `${BASE}/voice/inbound?replay=abc-_123&x=1`;
    const [say, pause, redirect, ...rest] = children(parse(renderHold(retry)));
    expect(rest).toEqual([]);
    expect(say!.tagName).toBe('Say');
    expect(say!.textContent).toBe('Please hold while we connect you.');
    expect(pause!.tagName).toBe('Pause');
    expect(attrs(pause!)).toEqual({ length: '1' });
    expect(redirect!.tagName).toBe('Redirect');
    expect(attrs(redirect!)).toEqual({ method: 'POST' });
    expect(redirect!.textContent).toBe(retry);
  });

  it('says a message and hangs up', () => {
    const [say, hangup, ...rest] = children(parse(renderMessageAndHangup('Goodbye & thanks.')));
    expect(rest).toEqual([]);
    expect(say!.textContent).toBe('Goodbye & thanks.');
    expect(hangup!.tagName).toBe('Hangup');
  });
});
