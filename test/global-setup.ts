import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate, recreateDatabase } from '../src/db/migrate';
import { freePort, startDevServer } from './helpers/dev-server';

const root = path.resolve(__dirname, '..');

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    temporalBin: string;
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

  const stop = async (): Promise<void> => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  };
  const databaseUrl =
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard_test';
  try {
    await recreateDatabase(databaseUrl);
    await migrate(databaseUrl);
  } catch (err) {
    // An orphaned dev server would hold vitest's output pipe open and hang the run.
    await stop();
    throw err;
  }

  project.provide('temporalAddress', `127.0.0.1:${port}`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalBin', bin);

  return stop;
}
