import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../helpers/dev-server';

const root = path.resolve(__dirname, '..', '..');

/** A real S3-compatible server (versitygw, posix backend) on a free local port, with a bucket. */
export interface S3Server {
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  /** The RECORDING_* variables that point the recording storage at it. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`versitygw did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export async function startVersitygw(): Promise<S3Server> {
  // Never downloads in a test: the binary is the one scripts/ensure-versitygw.sh found or built.
  const bin = execFileSync('bash', [path.join(root, 'scripts', 'ensure-versitygw.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-s3-'));
  const port = await freePort();
  const accessKey = `AK${randomBytes(8).toString('hex')}`;
  const secretKey = randomBytes(24).toString('base64');
  const child: ChildProcess = spawn(bin, ['--port', `127.0.0.1:${port}`, 'posix', dir], {
    env: { ...process.env, ROOT_ACCESS_KEY: accessKey, ROOT_SECRET_KEY: secretKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 15_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const bucket = 'recordings-test';
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    endpoint,
    bucket,
    accessKey,
    secretKey,
    env: {
      RECORDING_STORAGE: 's3',
      RECORDING_S3_ENDPOINT: endpoint,
      RECORDING_S3_BUCKET: bucket,
      RECORDING_S3_ACCESS_KEY_ID: accessKey,
      RECORDING_S3_SECRET_ACCESS_KEY: secretKey,
    },
    stop,
  };
}
