import { z } from 'zod';
import type { RedactionRules } from './redact';

const NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/** Parses `REDACTION_PATTERNS`: a JSON array of `{ "name", "regex" }`; every problem is named. */
export function parsePatterns(text: string): { name: string; regex: string }[] | string {
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'must be a JSON array of {"name","regex"} objects';
  }
  if (!Array.isArray(value)) return 'must be a JSON array of {"name","regex"} objects';
  const patterns: { name: string; regex: string }[] = [];
  for (const [i, item] of value.entries()) {
    const p = item as { name?: unknown; regex?: unknown } | null;
    if (typeof p?.name !== 'string' || !NAME.test(p.name)) {
      return `item ${i}: name must be lower-case letters, digits, - or _ (got ${JSON.stringify(p?.name)})`;
    }
    if (typeof p.regex !== 'string' || p.regex === '')
      return `item ${i} (${p.name}): regex must be a non-empty string`;
    let re: RegExp;
    try {
      re = new RegExp(p.regex, 'g');
    } catch (err) {
      return `item ${i} (${p.name}): invalid regex: ${(err as Error).message}`;
    }
    // A pattern that matches nothing at all would "redact" empty strings everywhere.
    if (re.test('')) return `item ${i} (${p.name}): regex matches the empty string`;
    if (patterns.some((q) => q.name === p.name)) return `item ${i}: name ${p.name} is used twice`;
    patterns.push({ name: p.name, regex: p.regex });
  }
  return patterns;
}

/** Redaction keys, spread into the schema in `src/config.ts`; documented in `.env.example`. */
export const redactionFields = {
  REDACTION_PATTERNS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const parsed = parsePatterns(text);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      return typeof parsed === 'string' ? [] : parsed;
    }),
};

/** The rules `redact` takes, from a loaded config. */
export function redactionRulesFromConfig(config: {
  readonly REDACTION_PATTERNS: readonly { name: string; regex: string }[];
}): RedactionRules {
  return { patterns: config.REDACTION_PATTERNS.map((p) => ({ ...p })) };
}
