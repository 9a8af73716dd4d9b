import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';

const root = path.resolve(__dirname, '..', '..');

/** A TCP port nobody listens on right now, for throwaway servers in tests and benchmarks. */
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

/** `--search-attribute` flags for every attribute in scripts/search-attributes.txt. */
export function searchAttributeArgs(): string[] {
  return readFileSync(path.join(root, 'scripts', 'search-attributes.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => ['--search-attribute', line]);
}

/** Spawns `temporal server start-dev` (headless) and resolves once its frontend answers. */
export async function startDevServer(
  bin: string,
  port: number,
  extraArgs: string[] = [],
  /** A command the server runs under, e.g. `nice -n 10` for a benchmark's background. */
  wrapper: string[] = [],
): Promise<ChildProcess> {
  const [command, ...prefix] = [...wrapper, bin];
  const child = spawn(
    command,
    [
      ...prefix,
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
