/**
 * `npm run docs:errors`: writes the error catalog (src/twilio/error-catalog.ts) into README.md
 * between its markers, so the README table and what logs, `call show` and doctor print are one
 * source. `--check` only reports drift (exit 1), for CI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { ERROR_CATALOG, type CatalogEntry } from '../src/twilio/error-catalog';

export const START_MARKER = '<!-- error-catalog:start -->';
export const END_MARKER = '<!-- error-catalog:end -->';

const DEFAULT_README = path.resolve(__dirname, '..', 'README.md');

// A bare <Say> in a Markdown table is an HTML tag to GitHub and vanishes: TwiML goes in code spans.
function cell(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/(?:<[A-Z][A-Za-z]*>)+/g, '`$&`')))
    .join('')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

function codeCell(entry: CatalogEntry): string {
  if (entry.kind === 'sip') return `${entry.code}`;
  const link = `[${entry.code}](https://www.twilio.com/docs/api/errors/${entry.code})`;
  return entry.kind === 'warning' ? `${link} (warning)` : link;
}

/** The catalog as a Markdown table, formatted as Prettier formats the README. */
export async function renderErrorTable(
  entries: readonly CatalogEntry[] = ERROR_CATALOG,
): Promise<string> {
  const rows = entries.map((e) =>
    [codeCell(e), cell(e.title), cell(e.meaning), cell(e.cause), cell(e.fix)].join(' | '),
  );
  const raw = [
    '| code | title | meaning | likely cause | fix |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
  const options = (await resolveConfig(DEFAULT_README)) ?? {};
  return (await format(raw, { ...options, parser: 'markdown' })).trimEnd();
}

/** `readme` with the text between the markers replaced by `table`; throws when a marker is missing. */
export function replaceRegion(readme: string, table: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`README has no ${START_MARKER} … ${END_MARKER} region`);
  }
  return `${readme.slice(0, start + START_MARKER.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

const usage = `Usage: npm run docs:errors -- [--check] [--readme <file>]

Writes the Twilio error catalog (src/twilio/error-catalog-data.ts) into the README between
${START_MARKER} and ${END_MARKER}.

Options:
  --check          do not write; exit 1 if the README table differs from the catalog
  --readme <file>  the Markdown file to update (default: README.md)
  --help           show this help`;

async function main(argv: string[]): Promise<number> {
  let values: { check?: boolean; readme?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        check: { type: 'boolean' },
        readme: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    console.error(`docs:errors: ${(err as Error).message} (see --help)`);
    return 2;
  }
  if (values.help === true) {
    console.log(usage);
    return 0;
  }
  const file = path.relative(process.cwd(), values.readme ?? DEFAULT_README);
  const before = readFileSync(file, 'utf8');
  const after = replaceRegion(before, await renderErrorTable());
  if (values.check === true) {
    if (after === before) return 0;
    console.error(`${file}: the error table is out of date; run npm run docs:errors`);
    return 1;
  }
  if (after !== before) writeFileSync(file, after);
  console.log(
    `${file}: ${ERROR_CATALOG.length} codes ${after === before ? 'already up to date' : 'written'}`,
  );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(`docs:errors: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
