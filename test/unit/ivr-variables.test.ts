import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { variablesOf } from '../../src/campaign/contact-variables';
import { IvrValidationError, validateIvr } from '../../src/ivr/validate';
import { renderPlan } from '../../src/twiml/render';
import { advanceIvr, startIvr, type IvrInput } from '../../workflows/ivr/engine';
import type { IvrDefinition } from '../../workflows/ivr/types';
import {
  MAX_VARIABLE_LENGTH,
  renderTemplate,
  spokenValue,
  templateProblem,
  usesVariables,
  variableName,
  withVariables,
} from '../../workflows/ivr/variables';
import { contactOfAttempt } from '../../workflows/shared/ids';
import { reminderIvr } from '../helpers/reminder-ivr';

const root = path.resolve(__dirname, '..', '..');
const load = (file: string): IvrDefinition =>
  validateIvr(JSON.parse(readFileSync(path.join(root, file), 'utf8')));
const fixtureIvrs = readdirSync(path.join(root, 'test/fixtures/ivrs')).map((f) =>
  load(`test/fixtures/ivrs/${f}`),
);
const NOW = new Date('2026-03-04T15:00:00Z');

const reminder = (): IvrDefinition => reminderIvr();

const said = (verbs: ReturnType<typeof startIvr>['plan']['verbs']): string[] =>
  verbs.flatMap((v) =>
    v.verb === 'say'
      ? [v.text]
      : v.verb === 'gather'
        ? v.prompts.flatMap((p) => (p.verb === 'say' ? [p.text] : []))
        : [],
  );

describe('renderTemplate', () => {
  const vars = { name: 'Ann', account: '42', empty: '' };

  it('fills {{name}} and {{ name }} with the value, names matched case-insensitively', () => {
    expect(renderTemplate('Hello {{name}}, account {{ account }}.', vars)).toBe(
      'Hello Ann, account 42.',
    );
    expect(renderTemplate('Hi {{Name}} / {{ACCOUNT}}', vars)).toBe('Hi Ann / 42');
  });

  it('uses the default when the variable is missing or blank, and the value when it is not', () => {
    expect(renderTemplate('Hello {{who|there}}.', vars)).toBe('Hello there.');
    expect(renderTemplate('Hello {{ empty | valued customer }}.', vars)).toBe(
      'Hello valued customer.',
    );
    expect(renderTemplate('Hello {{name|there}}.', vars)).toBe('Hello Ann.');
  });

  it('says nothing for an unknown variable, leaving no double space or space before punctuation', () => {
    expect(renderTemplate('Hello {{who}}, welcome.', vars)).toBe('Hello, welcome.');
    expect(renderTemplate('Goodbye {{who}} now.', vars)).toBe('Goodbye now.');
    expect(renderTemplate('{{who}} Hello {{who}}', vars)).toBe('Hello');
    expect(renderTemplate('Dear {{a}} {{b}} {{name}}!', vars)).toBe('Dear Ann!');
    expect(renderTemplate('Total {{who}}!', vars)).toBe('Total!');
    expect(renderTemplate('{{who}}', vars)).toBe('');
    expect(renderTemplate('{{who}}, are you there?', vars)).toBe('are you there?');
  });

  it('returns a text without placeholders as it is', () => {
    for (const text of ['Press 1.', '  spaced  out  ', 'a {single} brace', 'a } b { c']) {
      expect(renderTemplate(text, vars)).toBe(text);
    }
  });

  it('never expands a value again, nor finds names on the object prototype', () => {
    expect(renderTemplate('{{name}}', { name: '{{account}}', account: '42' })).toBe('{{account}}');
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(renderTemplate(`a {{${name}}} b`, {})).toBe('a b');
    }
  });

  it('speaks values as one capped line without control characters', () => {
    expect(renderTemplate('Hi {{name}}.', { name: ' Ann\u0000\n\tLee\u001b ' })).toBe(
      'Hi Ann Lee.',
    );
    const long = renderTemplate('{{name}}', { name: 'x'.repeat(1000) });
    expect(long).toHaveLength(MAX_VARIABLE_LENGTH);
    expect(Array.from(spokenValue('😀'.repeat(300)))).toHaveLength(MAX_VARIABLE_LENGTH);
  });
});

describe('templateProblem', () => {
  it('accepts well-formed placeholders and text without any', () => {
    for (const text of [
      'Hello.',
      'Hello {{name}}.',
      '{{ name }}{{_x1|}}{{a | b c, d. }}',
      'single {braces} are text',
    ]) {
      expect(templateProblem(text), text).toBeUndefined();
    }
  });

  it('names what is wrong and where', () => {
    expect(templateProblem('Hello {{name, welcome')).toBe('unclosed "{{" at character 7');
    expect(templateProblem('Hi {{1st}}')).toBe(
      '"{{1st}}" at character 4 is not a placeholder: write {{name}} or {{name|default}}, a name being letters, digits and _',
    );
    for (const text of ['{{ }}', '{{a-b}}', '{{a|b|c}}', '{{{a}}}', '{{a {{b}}']) {
      expect(templateProblem(text), text).toMatch(/is not a placeholder/);
    }
    expect(templateProblem('Hello name}}')).toBe('"}}" at character 11 closes no placeholder');
  });

  it('is enforced by the IVR validator, naming the node and field', () => {
    const def = JSON.parse(readFileSync(path.join(root, 'ivrs/demo.json'), 'utf8')) as {
      nodes: Record<string, { invalid?: { prompt: { say: string }[] } }>;
    };
    def.nodes.main!.invalid!.prompt[0]!.say = 'Sorry {{name, that is not an option.';
    try {
      validateIvr(def);
      throw new Error('expected the definition to be rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(IvrValidationError);
      expect((err as IvrValidationError).problems).toEqual([
        'nodes.main.invalid.prompt[0].say: unclosed "{{" at character 7',
      ]);
    }
  });
});

describe('withVariables', () => {
  it('is the very same definition for IVRs without placeholders (every IVR before variables)', () => {
    for (const ivr of [load('ivrs/demo.json'), ...fixtureIvrs]) {
      expect(usesVariables(ivr)).toBe(false);
      expect(withVariables(ivr, undefined)).toBe(ivr);
      expect(withVariables(ivr, { name: 'Ann' })).toBe(ivr);
    }
  });

  it('leaves the engine output byte-identical for those IVRs', () => {
    const testLine = fixtureIvrs.find((i) => i.id === 'test-line')!;
    const inputs: IvrInput[] = [{ kind: 'gather' }, { kind: 'gather', digits: '9' }];
    const run = (ivr: IvrDefinition): string => {
      let outcome = startIvr(ivr, NOW);
      const plans = [outcome.plan];
      for (const input of inputs) {
        outcome = advanceIvr(ivr, outcome.state, input, NOW);
        plans.push(outcome.plan);
      }
      return JSON.stringify(plans);
    };
    expect(run(withVariables(testLine, { name: 'Ann' }))).toBe(run(testLine));
  });

  it('fills every prompt list, dropping a prompt that comes out empty', () => {
    const ivr = withVariables(reminder(), { name: 'Ann', account: '42' });
    const start = startIvr(ivr, NOW);
    expect(said(start.plan.verbs)).toEqual([
      'Hello Ann, about account 42.',
      'Press 1 to pay your balance.',
    ]);
    const silent = advanceIvr(ivr, start.state, { kind: 'gather' }, NOW);
    expect(said(silent.plan.verbs).slice(0, 1)).toEqual(['Ann, are you there?']);
    const unnamed = withVariables(reminder(), {});
    const asked = advanceIvr(unnamed, startIvr(unnamed, NOW).state, { kind: 'gather' }, NOW);
    expect(said(asked.plan.verbs).slice(0, 1)).toEqual(['are you there?']);
    const wrong = advanceIvr(ivr, silent.state, { kind: 'gather', digits: '7' }, NOW);
    expect(said(wrong.plan.verbs)).toEqual(['Goodbye.']);
    const paid = advanceIvr(ivr, start.state, { kind: 'gather', digits: '1' }, NOW);
    expect(said(paid.plan.verbs)).toEqual(['Thank you Ann. Goodbye.']);
  });

  it('speaks defaults or nothing without variables (an inbound call)', () => {
    const ivr = withVariables(reminder(), undefined);
    const start = startIvr(ivr, NOW);
    expect(said(start.plan.verbs)).toEqual([
      'Hello, about account.',
      'Press 1 to pay your balance.',
    ]);
    const wrong = advanceIvr(ivr, start.state, { kind: 'gather', digits: '7' }, NOW);
    expect(said(wrong.plan.verbs)[0]).toBe('Sorry friend, that is not an option.');
  });

  it('hands values to the TwiML renderer as text, which escapes them', () => {
    const ivr = withVariables(reminder(), { name: '<Hangup/> & <Say>Bob</Say>', account: '"1"' });
    const xml = renderPlan(startIvr(ivr, NOW).plan, { action: () => 'https://x.test/a' });
    expect(xml).toContain(
      'Hello &lt;Hangup/&gt; &amp; &lt;Say&gt;Bob&lt;/Say&gt;, about account "1".',
    );
    expect(xml).not.toContain('<Hangup/>');
  });
});

describe('contact variables', () => {
  it('turns CSV headers into variable names, or none', () => {
    expect(variableName('Balance Due')).toBe('balance_due');
    expect(variableName(' account-id ')).toBe('account_id');
    expect(variableName('Due (USD)')).toBeUndefined();
    expect(variableName('1st')).toBeUndefined();
    expect(variableName('__proto__')).toBeUndefined();
  });

  it('gives a contact row its name and named, non-blank columns', () => {
    expect(
      variablesOf({
        name: 'Ann Lee',
        variables: { Account: '42', 'Balance Due': ' $10 ', Note: '', 'Due (USD)': '10', x: 1 },
      }),
    ).toEqual({ account: '42', balance_due: '$10', name: 'Ann Lee' });
    expect(variablesOf({ name: null, variables: {} })).toBeUndefined();
    expect(variablesOf({ name: 'x'.repeat(500), variables: {} })?.name).toHaveLength(
      MAX_VARIABLE_LENGTH,
    );
  });

  it('finds the campaign and contact of an attempt workflow id', () => {
    expect(contactOfAttempt('outbound-spring-sale-2026-17')).toEqual({
      campaignId: 'spring-sale-2026',
      contactId: 17,
    });
    expect(contactOfAttempt('outbound-abc')).toBeUndefined();
    expect(contactOfAttempt('call-CA123-4')).toBeUndefined();
  });
});
