import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { TestProject } from 'vitest/node';
import { migrate, recreateDatabase } from '../src/db/migrate';

const root = path.resolve(__dirname, '..');

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    temporalBin: string;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function searchAttributeArgs(): string[] {
  return readFileSync(path.join(root, 'scripts', 'search-attributes.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => ['--search-attribute', line]);
}

export async function startDevServer(
  bin: string,
  port: number,
  extraArgs: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    bin,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'error',
      ...searchAttributeArgs(),
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`temporal dev server exited with ${child.exitCode}`);
    try {
      const connection = await Connection.connect({
        address: `127.0.0.1:${port}`,
        connectTimeout: 1000,
      });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return child;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Never let anything download a server: the binary is the one scripts/ensure-temporal.sh built.
  const bin = execFileSync('bash', [path.join(root, 'scripts', 'ensure-temporal.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const port = await freePort();
  const server = await startDevServer(bin, port);

  const databaseUrl =
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard_test';
  await recreateDatabase(databaseUrl);
  await migrate(databaseUrl);

  project.provide('temporalAddress', `127.0.0.1:${port}`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalBin', bin);

  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  };
}
