import type { IvrDefinition, IvrNode, Prompt } from './types';

/**
 * What a call's prompts may speak about its callee: a campaign contact's name and the extra
 * columns of its CSV row, by lowercase identifier (`balance_due`). Absent for inbound calls.
 */
export type IvrVariables = Record<string, string>;

/** A value is spoken text: longer ones are cut here, wherever they come from. */
export const MAX_VARIABLE_LENGTH = 200;

/**
 * `{{name}}` or `{{ name | default }}`: a name of letters, digits and `_` not starting with a
 * digit (matched case-insensitively), and an optional default of any text without braces or `|`.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|([^{}|]*))?\}\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex -- control characters are what is being removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const PUNCTUATION = /^[,.;:!?]/;

/** The variable name a CSV header stands for (`Balance Due` → `balance_due`); undefined if none. */
export function variableName(header: string): string | undefined {
  const name = header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return IDENTIFIER.test(name) && name !== '__proto__' ? name : undefined;
}

/** A value as it may be spoken: control characters and runs of spaces become one space, capped. */
export function spokenValue(value: string): string {
  const clean = value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(clean);
  return chars.length > MAX_VARIABLE_LENGTH
    ? chars.slice(0, MAX_VARIABLE_LENGTH).join('').trimEnd()
    : clean;
}

/**
 * What is wrong with the placeholders of a `say` text, for the IVR validator; undefined when
 * every `{{` opens a well-formed placeholder and every `}}` closes one.
 */
export function templateProblem(text: string): string | undefined {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(PLACEHOLDER)) spans.push([m.index, m.index + m[0].length]);
  const inside = (at: number): boolean => spans.some(([from, to]) => at >= from && at < to);
  for (let at = text.indexOf('{{'); at !== -1; at = text.indexOf('{{', at + 1)) {
    if (spans.some(([from]) => from === at)) continue;
    const close = text.indexOf('}}', at + 2);
    if (close === -1) return `unclosed "{{" at character ${at + 1}`;
    return (
      `"${text.slice(at, close + 2)}" at character ${at + 1} is not a placeholder: ` +
      'write {{name}} or {{name|default}}, a name being letters, digits and _'
    );
  }
  for (let at = text.indexOf('}}'); at !== -1; at = text.indexOf('}}', at + 1)) {
    if (!inside(at)) return `"}}" at character ${at + 1} closes no placeholder`;
  }
  return undefined;
}

function valueOf(variables: IvrVariables, name: string): string {
  const key = name.toLowerCase();
  const value = Object.hasOwn(variables, key) ? variables[key] : undefined;
  return typeof value === 'string' ? spokenValue(value) : '';
}

/**
 * A `say` text with its placeholders filled in: the variable's value, else its default, else
 * nothing. A placeholder that comes out empty takes the spaces around it along, leaving one space
 * between words and none before punctuation or at either end (nor a comma at the start). A text
 * without `{{` is returned as it is: every prompt written before variables is spoken as before.
 */
export function renderTemplate(text: string, variables: IvrVariables): string {
  if (!text.includes('{{')) return text;
  let out = '';
  let gap = false;
  const append = (piece: string): void => {
    if (!gap) {
      out += piece;
      return;
    }
    if (piece === '') return;
    const before = out.trimEnd();
    // At the very start a clause mark after the placeholder goes too: "{{name}}, hi" → "hi".
    const after = before === '' ? piece.replace(/^[\s,;:]+/, '') : piece.trimStart();
    if (after === '') {
      out = before + ' ';
      return;
    }
    const spaced = before !== out || after !== piece;
    const join = before !== '' && spaced && !PUNCTUATION.test(after) ? ' ' : '';
    out = before + join + after;
    gap = false;
  };
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    append(text.slice(last, m.index));
    const value = valueOf(variables, m[1] ?? '') || (m[2] ?? '').trim();
    if (value === '') gap = true;
    else append(value);
    last = m.index + m[0].length;
  }
  append(text.slice(last));
  return gap ? out.trim() : out;
}

/** The same node with each of its prompt lists passed through `fill`. */
function mapPrompts(node: IvrNode, fill: (list: Prompt[]) => Prompt[]): IvrNode {
  switch (node.type) {
    case 'menu':
      return {
        ...node,
        prompt: fill(node.prompt),
        noInput: { ...node.noInput, prompt: fill(node.noInput.prompt) },
        invalid: { ...node.invalid, prompt: fill(node.invalid.prompt) },
      };
    case 'voicemail':
      return { ...node, prompt: fill(node.prompt), thanks: fill(node.thanks) };
    case 'transfer':
    case 'conference':
      return node.prompt ? { ...node, prompt: fill(node.prompt) } : node;
    case 'hours':
      return node;
    default:
      return { ...node, prompt: fill(node.prompt) };
  }
}

/** Whether any prompt of the IVR says a placeholder: only then does a call need its variables. */
export function usesVariables(ivr: IvrDefinition): boolean {
  let found = false;
  const look = (list: Prompt[]): Prompt[] => {
    found ||= list.some((p) => 'say' in p && p.say.includes('{{'));
    return list;
  };
  for (const node of Object.values(ivr.nodes)) mapPrompts(node, look);
  return found;
}

/**
 * The IVR a call speaks with: every `say` filled in from the call's variables (defaults, or
 * nothing, where it has none); a prompt that comes out empty is left out rather than said as
 * nothing. An IVR without placeholders is the very same definition, so a call without them decides
 * and answers exactly as before variables existed.
 */
export function withVariables(
  ivr: IvrDefinition,
  variables: IvrVariables | undefined,
): IvrDefinition {
  let changed = false;
  const fill = (list: Prompt[]): Prompt[] =>
    list.flatMap((p) => {
      if (!('say' in p) || !p.say.includes('{{')) return [p];
      changed = true;
      const say = renderTemplate(p.say, variables ?? {});
      return say === '' ? [] : [{ ...p, say }];
    });
  const nodes: Record<string, IvrNode> = {};
  for (const [id, node] of Object.entries(ivr.nodes)) nodes[id] = mapPrompts(node, fill);
  return changed ? { ...ivr, nodes } : ivr;
}
