import { digitRuns, luhnValid, tokenize, type DigitRun, type Token } from './digits';

/** Text with sensitive spans replaced, and how many of each kind (`card`, `ssn`, `custom:<name>`). */
export interface Redaction {
  text: string;
  counts: Record<string, number>;
}

/** Site-specific patterns (`REDACTION_PATTERNS`), applied after cards and SSNs. */
export interface RedactionRules {
  patterns?: { name: string; regex: string }[];
}

/** One sensitive span. `high`: the digits prove it (Luhn, SSN layout); `medium`: length or context. */
export interface Finding {
  kind: string;
  start: number;
  end: number;
  confidence: 'high' | 'medium';
}

const CARD_WORDS = new Set(['card', 'visa', 'mastercard', 'amex', 'credit', 'debit', 'discover']);
const SSN_WORDS = new Set(['social', 'security', 'ssn', 'ss']);
const CONTEXT_WORDS = 8;

/** Finds card numbers and US SSNs, typed or spoken, in a transcript. */
export function findSensitive(text: string): Finding[] {
  const tokens = tokenize(text);
  const findings: Finding[] = [];
  for (const run of mergeBrokenRuns(text, tokens, digitRuns(text, tokens))) {
    const kind = classify(text, tokens, run);
    if (kind) findings.push({ ...kind, start: run.start, end: run.end });
  }
  return findings;
}

function classify(
  text: string,
  tokens: readonly Token[],
  run: DigitRun,
): Omit<Finding, 'start' | 'end'> | undefined {
  const n = run.digits.length;
  const before = tokens.slice(Math.max(0, run.first - CONTEXT_WORDS), run.first).map((t) => t.text);
  const ssnContext = before.some((w) => SSN_WORDS.has(w));
  const cardContext = before.some((w) => CARD_WORDS.has(w));
  if (n >= 13 && n <= 19 && luhnValid(run.digits)) return { kind: 'card', confidence: 'high' };
  // Recognisers drop and mishear digits, so a long run is a card number even when Luhn fails:
  // twelve digits is longer than any phone number with its country code read out.
  if (n >= 12) return { kind: 'card', confidence: 'medium' };
  if (n === 9 && ssnLayout(text, tokens, run)) return { kind: 'ssn', confidence: 'high' };
  if (ssnContext && n >= 7 && n <= 11)
    return { kind: 'ssn', confidence: n === 9 ? 'high' : 'medium' };
  if (cardContext && n >= 8) return { kind: 'card', confidence: 'medium' };
  return undefined;
}

/** `AAA-GG-SSSS` written as three groups, with the SSA's never-issued values excluded. */
function ssnLayout(text: string, tokens: readonly Token[], run: DigitRun): boolean {
  const groups = tokens.slice(run.first, run.last + 1);
  if (!run.typed || groups.map((t) => t.text.length).join(',') !== '3,2,4') return false;
  const [area, group, serial] = groups.map((t) => t.text) as [string, string, string];
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  return /^[\s-]*$/.test(text.slice(groups[0]!.end, groups[1]!.start));
}

/**
 * Joins two runs split by one misheard word ("four one one the one one ..."), when each side is
 * long enough to be part of a number read out and together they fit one card number; a lone
 * digit beside a word, or two whole numbers in one sentence, are left apart.
 */
function mergeBrokenRuns(text: string, tokens: readonly Token[], runs: DigitRun[]): DigitRun[] {
  const out: DigitRun[] = [];
  for (const run of runs) {
    const prev = out[out.length - 1];
    const joined = (prev?.digits.length ?? 0) + run.digits.length;
    // Only pieces that are not already a whole number each and fit one card together.
    const pieces = prev && prev.digits.length < 12 && run.digits.length < 12 && joined <= 19;
    if (
      prev &&
      pieces &&
      run.first - prev.last === 2 &&
      prev.digits.length >= 3 &&
      run.digits.length >= 3
    ) {
      const gap = tokens[prev.last + 1]!;
      if (
        /^[a-z]{1,6}$/.test(gap.text) &&
        /^[\s\-.,]*$/.test(text.slice(prev.end, gap.start) + text.slice(gap.end, run.start))
      ) {
        out[out.length - 1] = {
          first: prev.first,
          last: run.last,
          start: prev.start,
          end: run.end,
          digits: prev.digits + run.digits,
          typed: prev.typed && run.typed,
        };
        continue;
      }
    }
    out.push(run);
  }
  return out;
}

/**
 * Replaces card numbers, US SSNs and the rules' patterns with `[REDACTED:<kind>]`.
 * Throws on an invalid pattern (config validation catches those first).
 */
export function redact(text: string, rules: RedactionRules = {}): Redaction {
  const counts: Record<string, number> = {};
  const bump = (kind: string): void => {
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  let out = '';
  let at = 0;
  for (const f of findSensitive(text)) {
    out += `${text.slice(at, f.start)}[REDACTED:${f.kind}]`;
    at = f.end;
    bump(f.kind);
  }
  out += text.slice(at);
  for (const p of rules.patterns ?? []) {
    const kind = `custom:${p.name}`;
    out = out.replace(new RegExp(p.regex, 'g'), (match) => {
      if (match === '') return match;
      bump(kind);
      return `[REDACTED:${kind}]`;
    });
  }
  return { text: out, counts };
}
