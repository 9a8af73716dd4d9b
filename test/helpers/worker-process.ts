import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** The real worker (`npm run worker`) as a child process: what a test kills is a whole process. */
export class WorkerProcess {
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-20_000);
    });
  }

  static start(env: Record<string, string>): WorkerProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new WorkerProcess(child);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the worker process did not start');
    return this.child.pid;
  }

  /** What the process wrote to stderr lately, for a failing test's message. */
  get log(): string {
    return this.stderr;
  }

  /** SIGKILL: no shutdown, no activity completion, exactly what a crash leaves. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait: the worker drains as `npm run worker` does on a deploy. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
