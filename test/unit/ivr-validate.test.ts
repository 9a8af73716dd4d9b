import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IvrValidationError, validateIvr } from '../../src/ivr/validate';

const root = path.resolve(__dirname, '..', '..');
const raw = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

type Json = Record<string, unknown>;
const demo = (): Json & { nodes: Record<string, Json> } =>
  raw('ivrs/demo.json') as Json & { nodes: Record<string, Json> };

function problemsOf(input: unknown): readonly string[] {
  try {
    validateIvr(input);
  } catch (err) {
    expect(err).toBeInstanceOf(IvrValidationError);
    return (err as IvrValidationError).problems;
  }
  throw new Error('expected the definition to be rejected');
}

function menuOptions(def: { nodes: Record<string, Json> }): Json[] {
  return def.nodes.main!.options as Json[];
}

describe('validateIvr', () => {
  it('accepts the demo and test-line IVRs unchanged', () => {
    for (const file of ['ivrs/demo.json', 'test/fixtures/ivrs/test-line.json']) {
      const input = raw(file);
      expect(validateIvr(input)).toEqual(input);
    }
  });

  it('names the node and field of an unknown next node', () => {
    const def = demo();
    menuOptions(def)[0]!.next = 'salez';
    expect(problemsOf(def)).toEqual(['nodes.main.options[0].next: unknown node "salez"']);
  });

  it('checks every reference kind', () => {
    const def = demo();
    def.nodes.main!.noInput = { prompt: [], exhausted: 'nowhere' };
    def.nodes.hours!.whenClosed = 'shut';
    def.nodes.sales!.onNoAnswer = 'vm';
    def.nodes.consent!.next = 'hourz';
    expect(problemsOf(def)).toEqual([
      'nodes.consent.next: unknown node "hourz"',
      'nodes.hours.whenClosed: unknown node "shut"',
      'nodes.main.noInput.exhausted: unknown node "nowhere"',
      'nodes.sales.onNoAnswer: unknown node "vm"',
    ]);
  });

  it('rejects digits used by two options', () => {
    const def = demo();
    menuOptions(def)[2]!.digits = '1';
    expect(problemsOf(def)).toEqual(['nodes.main.options[2].digits: "1" is used twice']);
  });

  it('rejects speech options on a menu that does not listen for speech', () => {
    const def = demo();
    def.nodes.main!.input = ['dtmf'];
    expect(problemsOf(def)).toEqual([
      'nodes.main.input: options listen for speech but input has no "speech"',
    ]);
  });

  it('rejects an option with neither digits nor speech', () => {
    const def = demo();
    menuOptions(def)[0] = { next: 'sales' };
    expect(problemsOf(def)).toEqual(['nodes.main.options[0]: an option needs digits or speech']);
  });

  it('rejects a loop of message nodes that never asks the caller', () => {
    const def = demo();
    def.nodes.greeting!.next = 'again';
    def.nodes.again = { type: 'message', prompt: [{ say: 'Hello again.' }], next: 'greeting' };
    def.start = 'greeting';
    expect(problemsOf(def)).toEqual([
      'nodes.greeting: loops through message/hours nodes without asking the caller',
      'nodes.again: loops through message/hours nodes without asking the caller',
    ]);
  });

  it('rejects a loop through an hours node', () => {
    const def = demo();
    def.nodes.closed!.next = 'hours';
    expect(problemsOf(def)).toEqual([
      'nodes.hours: loops through message/hours nodes without asking the caller',
      'nodes.closed: loops through message/hours nodes without asking the caller',
    ]);
  });

  it('rejects an unknown time zone', () => {
    const def = demo();
    def.timeZone = 'America/Atlantis';
    expect(problemsOf(def)).toEqual(['timeZone: unknown IANA time zone']);
  });

  it('rejects a transfer number that is not E.164', () => {
    const def = demo();
    def.nodes.sales!.target = { kind: 'number', to: '5005550101' };
    expect(problemsOf(def)).toEqual([
      'nodes.sales.target: "5005550101" is not a valid number target',
    ]);
  });

  it('rejects a callerId that is not E.164', () => {
    const def = demo();
    def.nodes.sales!.callerId = '+0123';
    expect(problemsOf(def)).toEqual(['nodes.sales.callerId: callerId must be E.164']);
  });

  it('rejects a malformed SIP target', () => {
    const def = demo();
    def.nodes.support!.target = { kind: 'sip', to: 'support.example.com' };
    expect(problemsOf(def)).toEqual([
      'nodes.support.target: "support.example.com" is not a valid sip target',
    ]);
  });

  it('rejects an unknown voice, at the IVR and on a prompt', () => {
    const def = demo();
    def.voice = { voice: 'Robot.Bender', language: 'en-US' };
    def.nodes.greeting!.prompt = [{ say: 'Hi', voice: 'Polly.Joanna', language: 'english' }];
    expect(problemsOf(def)).toEqual([
      'voice.voice: unknown voice',
      'nodes.greeting.prompt[0].language: language like en-US',
    ]);
  });

  it('rejects unknown fields anywhere', () => {
    const top = { ...demo(), owner: 'ops' };
    expect(problemsOf(top)).toEqual(['(root): Unrecognized key: "owner"']);
    const def = demo();
    def.nodes.main!.retries = 3;
    expect(problemsOf(def)).toEqual(['nodes.main: Unrecognized key: "retries"']);
  });

  it('rejects a missing or unknown start', () => {
    const def = demo();
    delete def.start;
    const [problem] = problemsOf(def);
    expect(problem).toMatch(/^start: /);
    const unknown = { ...demo(), start: 'welcome' };
    expect(problemsOf(unknown)).toEqual(['start: unknown node "welcome"']);
  });

  it('rejects an unknown node type and bad hours', () => {
    const def = demo();
    def.nodes.hours!.open = [{ days: ['mon'], from: '17:00', to: '09:00' }];
    def.nodes.hours!.closedDates = ['25/12/2026'];
    expect(problemsOf(def)).toEqual([
      'nodes.hours.open[0]: from must be before to',
      'nodes.hours.closedDates[0]: date like 2026-12-25',
    ]);
    const other = demo();
    other.nodes.queue = { type: 'queue', next: 'main' };
    expect(problemsOf(other)[0]).toMatch(/^nodes\.queue\.type: /);
  });

  it('names the IVR in the error message', () => {
    const def = demo();
    def.timeZone = 'Nowhere';
    expect(() => validateIvr(def)).toThrow(/IVR "demo" is invalid:\n {2}- timeZone:/);
    expect(() => validateIvr(null)).toThrow(/IVR "\(no id\)" is invalid/);
  });
});
