/**
 * Recording pipeline benchmark: `npm run bench:recordings -- [options]` (`--help` lists them).
 * Voicemails through the simulator, the webhook server and a worker process: fetch, encrypt,
 * store, transcribe, redact, verify, delete Twilio's copy. Throughput, the worker's peak RSS with
 * small and with large recordings (streaming keeps them about equal), and the offline engine's
 * word error rate (B2's measureWer).
 */
import { parseArgs } from 'node:util';
import { measureWer } from './speech-wer';
import { runPhase, startBenchEnv, type PhaseResult } from './recording-run';

const options = {
  small: { type: 'string', default: '200' },
  large: { type: 'string', default: '3' },
  'small-bytes': { type: 'string', default: '1000000' },
  'large-bytes': { type: 'string', default: '50000000' },
  concurrency: { type: 'string', default: '8' },
  transcriber: { type: 'string', default: 'fake-cloud' },
  'timeout-s': { type: 'string', default: '900' },
  'skip-wer': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: npm run bench:recordings -- [options]

Pushes voicemails through the whole recording pipeline and prints a table; with --json the last
line is one JSON object (total, completed, perMinute, peakRssMbSmall, peakRssMbLarge, wer,
werTelephone, phases).

Options:
  --small <n>          recordings of --small-bytes each (default 200)
  --large <n>          recordings of --large-bytes each, in a second worker process (default 3)
  --small-bytes <n>    size of a small recording (default 1000000)
  --large-bytes <n>    size of a large recording (default 50000000)
  --concurrency <n>    voicemail calls in flight at once (default 8)
  --transcriber <t>    fake-cloud (a local Deepgram-compatible server; default) or pocketsphinx
                       (minutes per large recording: hours of tone)
  --timeout-s <n>      how long a phase may take (default 900)
  --skip-wer           do not measure the word error rate
  --json               print the JSON summary as one line, the last one
  -h, --help           print this help and exit
`;

function int(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a whole number (got "${value}")`);
  return n;
}

function table(phases: PhaseResult[]): string {
  const rows = phases.map((p) => [
    p.name,
    String(p.recordings),
    `${(p.bytes / 1e6).toFixed(1)} MB`,
    String(p.completed),
    `${p.seconds.toFixed(1)} s`,
    ((p.completed / p.seconds) * 60).toFixed(1),
    `${p.startRssMb} MB`,
    `${p.peakRssMb} MB`,
  ]);
  const header = [
    'phase',
    'recordings',
    'size',
    'completed',
    'time',
    'per minute',
    'worker RSS at start',
    'worker peak RSS',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options, strict: true });
  if (values.help) return void process.stdout.write(HELP);
  const transcriber = values.transcriber;
  if (transcriber !== 'fake-cloud' && transcriber !== 'pocketsphinx') {
    throw new Error(`--transcriber must be fake-cloud or pocketsphinx (got "${transcriber}")`);
  }
  const small = int('small', values.small);
  const large = int('large', values.large);
  const concurrency = Math.max(1, int('concurrency', values.concurrency));
  const timeoutMs = int('timeout-s', values['timeout-s']) * 1000;
  const b = await startBenchEnv(transcriber);
  const phases: PhaseResult[] = [];
  try {
    phases.push(
      await runPhase(
        b,
        'small',
        small,
        int('small-bytes', values['small-bytes']),
        concurrency,
        timeoutMs,
      ),
    );
    if (large > 0) {
      phases.push(
        await runPhase(
          b,
          'large',
          large,
          int('large-bytes', values['large-bytes']),
          Math.min(concurrency, large),
          timeoutMs,
        ),
      );
    }
  } finally {
    await b.stop();
  }
  const wer = values['skip-wer'] ? undefined : await measureWer();
  const total = phases.reduce((n, p) => n + p.recordings, 0);
  const completed = phases.reduce((n, p) => n + p.completed, 0);
  const seconds = phases.reduce((n, p) => n + p.seconds, 0);
  const summary = {
    total,
    completed,
    perMinute: Math.round((completed / seconds) * 60 * 10) / 10,
    peakRssMbSmall: phases[0]?.peakRssMb ?? null,
    peakRssMbLarge: phases[1]?.peakRssMb ?? null,
    wer: wer ? Math.round(wer.wer * 1000) / 1000 : null,
    werTelephone: wer ? Math.round(wer.werTelephone * 1000) / 1000 : null,
    werSamples: wer?.samples ?? 0,
    transcriber,
    concurrency,
    phases,
  };
  console.log(table(phases));
  if (wer) {
    console.log(
      `\nword error rate (pocketsphinx, flite speech, ${wer.samples} samples): 16 kHz ${summary.wer}, 8 kHz μ-law ${summary.werTelephone}`,
    );
  }
  if (values.json) console.log(JSON.stringify(summary));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
