import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one entry point as its npm script does (tsx), with nothing to reach: a database URL that
 * points nowhere and no Temporal, so `--help` and a bad option must answer without either.
 */
function runCli(file: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file, ...args],
      {
        cwd: root,
        timeout: 20_000,
        env: {
          ...process.env,
          DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere_test',
          TEMPORAL_ADDRESS: '127.0.0.1:1',
          // If --help were ignored, `npm run sim` would start serving; never on a port in use.
          SIM_PORT: '0',
          NODE_NO_WARNINGS: '1',
        },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A stack trace's frames: `    at fn (file:line:col)`. */
const STACK_FRAME = /^\s+at \S/m;

/** Each command with the options (or environment variables, for `npm run sim`) its help names. */
const commands: { name: string; file: string; args?: string[]; names: string[] }[] = [
  {
    name: 'npm run bench:webhook',
    file: 'bench/webhook.ts',
    names: [
      '--calls',
      '--rounds',
      '--pause-ms',
      '--levels',
      '--calls-per-level',
      '--mode',
      '--targets',
      '--background-nice',
      '--background-cpus',
      '--background-sched',
      '--help',
    ],
  },
  {
    name: 'npm run call',
    file: 'src/sim/cli.ts',
    names: [
      '--to',
      '--from',
      '--url',
      '--press',
      '--say',
      '--record',
      '--webhook-timeout',
      '--json',
    ],
  },
  {
    name: 'npm run sim',
    file: 'src/sim/main.ts',
    names: ['SIM_PORT', 'TWILIO_ACCOUNT_SID', 'SIM_PARTIES_FILE', '--help'],
  },
  {
    name: 'npm run migrate',
    file: 'src/db/migrate-cli.ts',
    // As `npm run migrate -- --help` runs it: the script passes `up` first.
    args: ['up'],
    names: ['up', 'down', 'DATABASE_URL', '--help'],
  },
  {
    name: 'npm run docs:errors',
    file: 'scripts/render-error-table.ts',
    names: ['--check', '--readme', '--help'],
  },
  { name: 'npm run cli', file: 'src/cli/main.ts', names: ['ivr', 'call', '--help'] },
  {
    name: 'npm run bench:recordings',
    file: 'bench/recordings.ts',
    names: [
      '--small',
      '--large',
      '--small-bytes',
      '--large-bytes',
      '--concurrency',
      '--transcriber',
      '--timeout-s',
      '--skip-wer',
      '--json',
      '--help',
    ],
  },
  {
    name: 'npm run recording',
    file: 'src/cli/recording-main.ts',
    names: [
      'list',
      'get',
      'transcript',
      'hold',
      'release',
      'purge',
      'policy',
      'rotate-key',
      '--help',
    ],
  },
  {
    name: 'npm run cli -- carrier-routes',
    file: 'src/cli/main.ts',
    args: ['carrier-routes'],
    names: ['list', 'add', 'remove', 'resolve'],
  },
  {
    name: 'npm run conference',
    file: 'src/cli/conference.ts',
    names: [
      'list',
      'show',
      'transfer',
      'monitor',
      'coach',
      'barge',
      'mute',
      'unmute',
      'hold',
      'unhold',
      'kick',
      'end',
      '--help',
    ],
  },
  {
    name: 'npm run bench:speech',
    file: 'bench/speech-wer.ts',
    names: ['--texts-file', '--json', '--help'],
  },
  {
    name: 'npm run bench:campaign',
    file: 'bench/campaign.ts',
    names: ['--contacts', '--cps', '--max-concurrent', '--mix', '--json', '--help'],
  },
  {
    name: 'npm run campaign',
    file: 'src/cli/campaign-main.ts',
    names: ['start', 'status', 'list', 'pause', 'resume', 'cancel', 'rate', 'results', '--help'],
  },
  {
    name: 'npm run campaign -- start',
    file: 'src/cli/campaign-main.ts',
    args: ['start'],
    names: [
      '--name',
      '--from',
      '--contacts',
      '--ivr',
      '--cps',
      '--max-concurrent',
      '--window',
      '--max-attempts',
      '--retry-after',
      '--amd',
      '--sms',
    ],
  },
  {
    name: 'npm run doctor',
    file: 'src/doctor/main.ts',
    names: ['--json', '--timeout-ms', '--help'],
  },
];

/** The subcommands a commander help lists under `Commands:` (without `help`). */
function subcommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1]?.split(/\n\s*\n/)[0] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1]!)
    .filter((c) => c !== 'help');
}

// Each check is its own process (about 0.7 s of CPU for tsx and the imports): run them side by side.
describe.concurrent('--help', () => {
  for (const c of commands) {
    it(`${c.name} -- --help prints its options and exits 0`, async () => {
      const out = await runCli(c.file, [...(c.args ?? []), '--help']);
      expect(out.stderr).not.toMatch(STACK_FRAME);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/^Usage: /m);
      for (const name of c.names) expect(out.stdout).toContain(name);
    });

    it(`${c.name} refuses an unknown option in one line, without a stack trace`, async () => {
      const out = await runCli(c.file, [...(c.args ?? []), '--no-such-option']);
      expect(out.code).not.toBe(0);
      expect(out.code).not.toBeNull();
      expect(out.stderr).toContain('--no-such-option');
      expect(out.stderr).not.toMatch(STACK_FRAME);
      expect(out.stdout).not.toMatch(STACK_FRAME);
    });
  }

  // The command groups (ivr, call, inbox …) as `npm run cli -- --help` lists them, so a group added
  // later is covered too. Their leaf commands' help is commander's own and is not spawned one by one.
  it('npm run cli: every command group answers --help with its subcommands', async () => {
    const root = await runCli('src/cli/main.ts', ['--help']);
    const groups = subcommands(root.stdout);
    expect(groups).toEqual(expect.arrayContaining(['ivr', 'call']));
    await Promise.all(
      groups.map(async (group) => {
        const out = await runCli('src/cli/main.ts', [group, '--help']);
        const label = `switchboard ${group}`;
        expect(out.stderr, label).not.toMatch(STACK_FRAME);
        expect(out.code, `${label} --help: ${out.stderr}`).toBe(0);
        expect(out.stdout, label).toContain(`Usage: ${label}`);
        expect(subcommands(out.stdout).length, label).toBeGreaterThan(0);
      }),
    );
  });
});
