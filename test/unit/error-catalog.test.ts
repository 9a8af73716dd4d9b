import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeTwilioCode,
  ERROR_CATALOG,
  explainSipStatus,
  explainTwilioCode,
} from '../../src/twilio/error-catalog';
import {
  END_MARKER,
  renderErrorTable,
  replaceRegion,
  START_MARKER,
} from '../../scripts/render-error-table';

// The codes the operations issue names: what operators of Twilio Voice meet most.
const REQUIRED_CODES = [
  11200, 11205, 11750, 12100, 12200, 12300, 13224, 13227, 16101, 16102, 20003, 20404, 20429, 21211,
  21214, 21215, 21217, 21610, 30003, 30005, 30006, 30007, 32011, 32021, 64002,
];
const REQUIRED_SIP = [403, 404, 480, 486, 488, 503];

describe('error catalog', () => {
  it('explains every required Twilio code with all fields filled', () => {
    for (const code of REQUIRED_CODES) {
      const entry = explainTwilioCode(code);
      expect(entry, String(code)).toBeDefined();
      expect(entry?.code).toBe(String(code));
      expect(entry?.kind).toMatch(/^(error|warning)$/);
      expect(entry?.title.trim().length, `${code} title`).toBeGreaterThan(3);
      for (const field of ['meaning', 'cause', 'fix'] as const) {
        expect(entry?.[field].trim().length, `${code} ${field}`).toBeGreaterThan(20);
      }
    }
  });

  it('explains the required SIP responses by status and as "SIP <status>"', () => {
    for (const status of REQUIRED_SIP) {
      const entry = explainSipStatus(status);
      expect(entry?.kind, String(status)).toBe('sip');
      expect(entry?.code).toBe(`SIP ${status}`);
      expect(explainTwilioCode(`SIP ${status}`)).toBe(entry);
      expect(explainTwilioCode(`sip${status}`)).toBe(entry);
      expect(entry?.fix.trim()).not.toBe('');
    }
    // A bare number is a Twilio code, never a SIP status.
    expect(explainTwilioCode(488)).toBeUndefined();
    expect(explainSipStatus(200)).toBeUndefined();
  });

  it('has one entry per code, and accepts a code as a number, a string or with spaces', () => {
    const codes = ERROR_CATALOG.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(explainTwilioCode(' 20003 ')).toBe(explainTwilioCode(20003));
    expect(explainTwilioCode('20003')?.title).toBe('Authentication failed');
  });

  it('describes a code in one line, and says when a code is not catalogued', () => {
    const line = describeTwilioCode(20003);
    expect(line).toMatch(/^20003 Authentication failed — fix: .*TWILIO_AUTH_TOKEN/);
    expect(line).not.toContain('\n');
    expect(describeTwilioCode('SIP 488')).toMatch(/^SIP 488 Not Acceptable Here — fix: /);
    expect(describeTwilioCode(99999)).toBe('Twilio code 99999 (not in the catalog)');
    for (const entry of ERROR_CATALOG) expect(describeTwilioCode(entry.code)).not.toContain('\n');
  });
});

describe('README error table', () => {
  it('is exactly the rendering of the catalog (run npm run docs:errors after editing it)', async () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    expect(replaceRegion(readme, await renderErrorTable())).toBe(readme);
  });

  it('has a row for every entry, with TwiML in code spans and pipes escaped', async () => {
    const entry = {
      code: '12345',
      kind: 'warning' as const,
      title: 'A | B',
      meaning: 'a <Dial><Sip> and `<Say>`',
      cause: 'c',
      fix: 'f',
    };
    const table = await renderErrorTable([entry]);
    expect(table).toContain('A \\| B');
    expect(table).toContain('a `<Dial><Sip>` and `<Say>`');
    expect(table).toContain('[12345](https://www.twilio.com/docs/api/errors/12345) (warning)');
    const full = await renderErrorTable();
    for (const e of ERROR_CATALOG) expect(full).toContain(`${e.code}`);
    expect(full.split('\n')).toHaveLength(ERROR_CATALOG.length + 2);
  });

  it('replaces only the marked region, and refuses a README without it', () => {
    const readme = `# x\n\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    expect(replaceRegion(readme, 'new')).toBe(
      `# x\n\n${START_MARKER}\n\nnew\n\n${END_MARKER}\n\nafter\n`,
    );
    expect(() => replaceRegion('# x\n', 'new')).toThrow(/error-catalog:start/);
  });
});
