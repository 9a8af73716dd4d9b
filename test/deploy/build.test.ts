import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/dev-server';

const root = path.resolve(__dirname, '..', '..');
// The runtime image's layout: dist/ beside package.json, node_modules/, migrations/ and ivrs/.
const app = mkdtempSync(path.join(tmpdir(), 'switchboard-build-'));
const children: ChildProcess[] = [];

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: app, env: { ...baseEnv(), ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** Only what the process needs: no .env is read (cwd is the temp app) and nothing leaks in. */
function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1' };
}

async function appEnv(): Promise<NodeJS.ProcessEnv> {
  return {
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `build-${Math.random().toString(36).slice(2, 10)}`,
    TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
    TWILIO_AUTH_TOKEN: 't'.repeat(32),
    TWILIO_API_BASE_URL: 'http://127.0.0.1:1',
    HTTP_PORT: String(await freePort()),
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    WORKER_METRICS_PORT: String(await freePort()),
    TEMPORAL_SDK_METRICS_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  };
}

/** Starts a built entry point and resolves with its output once `ready` matches it. */
function start(
  file: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [file], { cwd: app, env: { ...baseEnv(), ...env } });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) resolve({ child, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  const built = await run('npm', [
    'run',
    '-s',
    '--prefix',
    root,
    'build',
    '--',
    '--outDir',
    path.join(app, 'dist'),
  ]);
  expect(built.stdout + built.stderr).toBe('');
  expect(built.code).toBe(0);
  copyFileSync(path.join(root, 'package.json'), path.join(app, 'package.json'));
  for (const dir of ['node_modules', 'migrations', 'ivrs']) {
    symlinkSync(path.join(root, dir), path.join(app, dir));
  }
}, 180_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(app, { recursive: true, force: true });
});

describe('the production build', () => {
  it('requires only Node built-ins, its own files and production dependencies', () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([...Object.keys(dependencies), ...builtinModules]);
    const required = new Set(
      jsFiles(path.join(app, 'dist')).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map(
          ([, name]) => name!,
        ),
      ),
    );
    expect(required.size).toBeGreaterThan(20);
    const packageOf = (name: string): string =>
      name
        .replace(/^node:/, '')
        .split('/')
        .slice(0, name.startsWith('@') ? 2 : 1)
        .join('/');
    const outside = [...required].filter(
      (name) => !name.startsWith('.') && !allowed.has(packageOf(name)),
    );
    expect(outside).toEqual([]);
  });

  it('migrates with the built CLI, from migrations/ beside dist/', async () => {
    const env = await appEnv();
    const result = await run(process.execPath, ['dist/src/db/migrate-cli.js', 'up'], env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('No migrations to run!');
    expect(result.code).toBe(0);
  });

  it('serves /healthz and /readyz from the built server, and stops on SIGTERM', async () => {
    const env = await appEnv();
    const { child } = await start('dist/src/server/main.js', env, /webhook server listening/);
    const base = `http://127.0.0.1:${env.HTTP_PORT}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready' });
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('bundles workflows from dist/workflows in the built worker', async () => {
    const env = await appEnv();
    const { child, output } = await start('dist/src/worker/main.js', env, /"msg":"worker started"/);
    // webpack lists the bundled modules, or with many of them sums them up by folder
    // ("modules by path ./dist/workflows/"): either way they come from the build, not the sources.
    expect(output()).toMatch(/\.\/dist\/workflows\//);
    expect(output()).not.toMatch(/\.\/workflows\/[\w/-]+\.ts/);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(output()).toContain('worker stopped');
  });

  it('answers --help from the built operator CLI', async () => {
    const result = await run(process.execPath, ['dist/src/cli/main.js', '--help']);
    expect(result.stdout).toMatch(/^Usage: /m);
    expect(result.code).toBe(0);
  });
});
