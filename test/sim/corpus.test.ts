import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type CallRun } from '../../src/sim';
import { SUPPORTED_VERBS } from '../../src/sim/interpreter';
import { startTwimlServer, type TwimlServer } from './helpers';

const corpusDir = path.resolve(__dirname, '../../../shared/fixtures/twiml');
const files = fs.existsSync(corpusDir)
  ? fs
      .readdirSync(corpusDir)
      .filter((f) => f.endsWith('.xml'))
      .sort()
  : [];
if (files.length === 0) console.log(`twiml corpus: skipped, ${corpusDir} is missing`);

/** Verbs (top level, or Dial nouns) named in a document, to cross-check the run's report. */
function namesIn(xml: string): string[] {
  return [...xml.matchAll(/<([A-Z][A-Za-z]*)\b/g)].map((m) => m[1] ?? '');
}

describe.skipIf(files.length === 0)('TwiML conformance corpus', () => {
  let app: TwimlServer;
  let current = '<Response/>';
  const results = new Map<string, CallRun>();

  beforeAll(async () => {
    // The document under test is served at /doc; any other URL it names answers <Response/>.
    app = await startTwimlServer({ '/doc': () => current });
  });

  afterAll(async () => {
    await app.close();
    const unsupported = new Map<string, number>();
    let full = 0;
    for (const run of results.values()) {
      if (run.unsupportedVerbs.length === 0) full++;
      for (const v of run.unsupportedVerbs) unsupported.set(v, (unsupported.get(v) ?? 0) + 1);
    }
    const names = [...unsupported.entries()].map(([v, n]) => `${v}×${n}`).join(', ');
    const partial = [...results.values()].filter((r) => r.unsupportedVerbs.length > 0).length;
    console.log(
      `twiml corpus: ${results.size} documents, ${full} fully executed, ${partial} with unsupported verbs: [${names}]`,
    );
  });

  it.each(files)('%s parses and runs', async (file) => {
    const sim = buildSimulator({ seed: 11, webhookTimeoutMs: 2000 });
    current = fs.readFileSync(path.join(corpusDir, file), 'utf8');
    const run = await sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}/doc`,
      script: {
        gathers: [{ digits: '1234#' }],
        records: [{ text: 'leaving a short message', durationSec: 2 }],
        conferenceStayMs: 0,
      },
    });
    await sim.idle();
    results.set(file, run);
    expect(
      run.errors.filter((e) => e.code === 0 || e.code === 12100),
      JSON.stringify(run.errors),
    ).toEqual([]);
    expect(['completed', 'busy', 'no-answer', 'canceled']).toContain(run.status);
    const named = namesIn(current);
    for (const verb of run.unsupportedVerbs) expect(named).toContain(verb);
    const executedTopLevel = run.transcript.entries.some(
      (e) => e.type !== 'request' && e.type !== 'status',
    );
    expect(executedTopLevel).toBe(true);
    expect(SUPPORTED_VERBS).toContain('Say');
  });
});
