import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/types';
import { startDoctorStack, type DoctorStack } from './stack';

const root = path.resolve(__dirname, '../..');

/** `npm run doctor` as a process: only the environment, as an operator would run it. */
function doctor(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/doctor/main.ts', ...args],
      // Only PATH from outside: a DATABASE_URL or .env value of this machine must not leak in.
      { cwd: root, timeout: 30_000, env: { PATH: process.env.PATH ?? '', ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let stack: DoctorStack;

beforeAll(async () => {
  stack = await startDoctorStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('npm run doctor (the process)', () => {
  it('prints ✓ for every check of a healthy deployment and exits 0', async () => {
    const out = await doctor(stack.env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^✓ configuration: /m);
    expect(out.stdout).toMatch(/^✓ signature through PUBLIC_BASE_URL: /m);
    expect(out.stdout).not.toContain('✗');
    expect(out.stdout).toMatch(/all 13 checks passed\n$/);
  });

  it('--json: one object, ok false and exit 1 when a check fails', async () => {
    const out = await doctor({ ...stack.env, TWILIO_AUTH_TOKEN: 'rotated-token-0000000000' }, [
      '--json',
    ]);
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as { ok: boolean; checks: CheckResult[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'Twilio credentials')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('20003') as unknown,
    });
  });

  it('a missing variable: ✗ configuration with its fix, exit 1', async () => {
    const env = Object.fromEntries(
      Object.entries(stack.env).filter(([key]) => key !== 'DATABASE_URL'),
    );
    const out = await doctor(env);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('✗ configuration: DATABASE_URL is required but missing');
    expect(out.stdout).toContain('    fix: set these variables');
  });
});
