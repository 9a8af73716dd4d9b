import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, startDevServer } from '../test/helpers/dev-server';
import { migrate, recreateDatabase } from '../src/db/migrate';

const root = path.resolve(__dirname, '..');

export interface Stack {
  temporalAddress: string;
  databaseUrl: string;
  children: ChildProcess[];
  stop(): Promise<void>;
}

/** A throwaway real stack: a Temporal dev server and a freshly migrated database. */
export async function startStack(databaseName: string, wrapper: string[] = []): Promise<Stack> {
  const bin = execFileSync('bash', [path.join(root, 'scripts', 'ensure-temporal.sh')], {
    encoding: 'utf8',
  }).trim();
  const port = await freePort();
  const temporal = await startDevServer(bin, port, [], wrapper);
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
  await recreateDatabase(databaseUrl);
  await migrate(databaseUrl);
  const children: ChildProcess[] = [temporal];
  // A benchmark stopped by Ctrl-C, or exiting on an error, must not leave its servers running:
  // a stray Temporal and webhook server skew the next run's figures.
  const killAll = (): void => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  return {
    temporalAddress: `127.0.0.1:${port}`,
    databaseUrl,
    children,
    async stop() {
      for (const child of children.reverse()) {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
        }
      }
    },
  };
}

/**
 * Starts a project process with tsx loaded in it (one process, so its CPU time and a wrapper such
 * as `nice` apply to the code itself), optionally under a wrapper.
 */
export function startProcess(
  script: string,
  env: Record<string, string>,
  wrapper: string[] = [],
  stdout: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  const [command, ...args] = [...wrapper, process.execPath, '--import', 'tsx', script];
  return spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
