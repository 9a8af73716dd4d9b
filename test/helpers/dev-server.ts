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

/**
 * A free port below Linux's ephemeral range. A client that reconnects to a port in that range while
 * nothing listens there can be given that same port as its own and connect to itself (TCP
 * simultaneous open), holding the port for as long as it keeps the connection: a restartable
 * server's port must lie where no client's own port can.
 */
export async function freePortBelowEphemeral(): Promise<number> {
  const range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
  const low = Number(range[0]) || 32768;
  for (let tries = 0; tries < 100; tries += 1) {
    const port = 10000 + Math.floor(Math.random() * Math.max(1, low - 10000));
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port found between 10000 and ${low}`);
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

/**
 * A dev server on a SQLite file that a test stops and starts again (Temporal down mid-call). While
 * it is stopped its port stays bound by a listener that drops every connection: clients see
 * Temporal down, and another test file's server cannot take the freed port (a relay once
 * delivered to a stranger's Temporal in CI).
 */
export class RestartableTemporal {
  private child?: ChildProcess;
  private holder?: net.Server;

  private constructor(
    private readonly bin: string,
    readonly port: number,
    private readonly dbFile: string,
  ) {}

  static async start(bin: string, dbFile: string): Promise<RestartableTemporal> {
    const temporal = new RestartableTemporal(bin, await freePortBelowEphemeral(), dbFile);
    await temporal.start();
    return temporal;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child?.exitCode === null;
  }

  async start(): Promise<void> {
    if (this.holder) {
      const holder = this.holder;
      this.holder = undefined;
      await new Promise((r) => holder.close(r));
    }
    this.child = await startDevServer(this.bin, this.port, ['--db-filename', this.dbFile]);
  }

  /** Stops the server (SIGTERM, waits for its exit) and holds its port until `start`. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    // The port lies below the ephemeral range (see freePortBelowEphemeral): no client's own port
    // can take it while the server is down.
    const holder = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.holder = holder;
  }

  /** Stops it for good and frees the port. */
  async close(): Promise<void> {
    await this.stop();
    const holder = this.holder;
    this.holder = undefined;
    if (holder) await new Promise((r) => holder.close(r));
  }
}
