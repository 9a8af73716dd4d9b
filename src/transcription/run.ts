import { spawn } from 'node:child_process';

/** A finished child process: its stdout as text and its stderr tail for error messages. */
export interface RunResult {
  stdout: string;
  stderrTail: string;
}

/**
 * Runs a program without a shell and collects stdout. Rejects when it exits non-zero, cannot
 * start, or `signal` aborts (the child is killed, so a cancelled activity leaves no decoder
 * running on the worker).
 */
export function runProgram(
  program: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(abortError(signal));
      else if (code === 0) resolve({ stdout: Buffer.concat(out).toString('utf8'), stderrTail });
      else {
        const how = code === null ? `was killed by ${killedBy}` : `exited with ${code}`;
        reject(new Error(`${program} ${how}: ${stderrTail.trim().split('\n').pop() ?? ''}`));
      }
    });
  });
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

/** Converts any WAV to 16 kHz, 16-bit mono, keeping one channel (1-based) or mixing all. */
export async function toSixteenKhzMono(
  sox: string,
  input: string,
  output: string,
  channel: number | 'mix',
  signal?: AbortSignal,
): Promise<void> {
  const remix = channel === 'mix' ? ['remix', '-'] : ['remix', String(channel)];
  await runProgram(
    sox,
    [input, '-r', '16000', '-b', '16', '-e', 'signed-integer', output, ...remix],
    signal,
  );
}
