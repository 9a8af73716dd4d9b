import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const unitsDir = path.resolve(__dirname, '..', '..', 'deploy', 'systemd');
const units = readdirSync(unitsDir).filter((name) => name.endsWith('.service'));
const work = mkdtempSync(path.join(tmpdir(), 'switchboard-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HARDENING = {
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  User: 'switchboard',
  CapabilityBoundingSet: '',
  SystemCallFilter: '@system-service',
  // Explicitly off, with the reason in the unit: V8 aborts at start under it.
  MemoryDenyWriteExecute: 'no',
};

function directives(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) found.set(match[1]!, match[2]!);
  }
  return found;
}

/**
 * systemd-analyze verify on copies of the units, with node where this machine has it: it checks
 * every directive's name and value, and that ExecStart names an executable.
 */
function verify(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(path.join(work, 'verify-'));
  const paths = Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    writeFileSync(file, text.replaceAll('/usr/bin/node ', `${process.execPath} `));
    return file;
  });
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', '--man=no', ...paths], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

const shipped = (): Record<string, string> =>
  Object.fromEntries(units.map((name) => [name, readFileSync(path.join(unitsDir, name), 'utf8')]));

describe('deploy/systemd', () => {
  it('has a unit for the server, the worker and the migrations', () => {
    expect(units.sort()).toEqual([
      'switchboard-migrate.service',
      'switchboard-server.service',
      'switchboard-worker.service',
    ]);
  });

  it.each(units)('%s runs the built JavaScript, unprivileged and hardened', (name) => {
    const found = directives(readFileSync(path.join(unitsDir, name), 'utf8'));
    expect(Object.fromEntries(Object.keys(HARDENING).map((k) => [k, found.get(k)]))).toEqual(
      HARDENING,
    );
    expect(found.get('ExecStart')).toMatch(
      /^\/usr\/bin\/node \/opt\/switchboard\/dist\/src\/.+\.js/,
    );
  });

  it('passes systemd-analyze verify', async () => {
    const { code, output } = await verify(shipped());
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('is a check that fails: a misspelt directive and a bad value are reported', async () => {
    const files = shipped();
    files['switchboard-worker.service'] = files['switchboard-worker.service']!.replace(
      'ProtectHome=yes',
      'ProtectHome=sometimes\nNoNewPrivilege=yes',
    );
    // verify exits 0 on these (systemd ignores such lines at run time): the output is the check.
    const { output } = await verify(files);
    expect(output).toMatch(/switchboard-worker\.service:\d+: Failed to parse .*sometimes/);
    expect(output).toMatch(/Unknown key '?NoNewPrivilege'? in section/);
  });

  it('the server and worker need the migrations to have run', () => {
    for (const name of ['switchboard-server.service', 'switchboard-worker.service']) {
      const found = directives(readFileSync(path.join(unitsDir, name), 'utf8'));
      expect(found.get('Requires')).toBe('switchboard-migrate.service');
      expect(found.get('After')).toContain('switchboard-migrate.service');
    }
  });
});
