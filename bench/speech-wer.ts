/**
 * Word error rate of the offline engine (pocketsphinx, US English) on flite speech of known
 * texts: once at 16 kHz, once through 8 kHz μ-law as a phone line delivers it.
 * `npm run bench:speech -- [--json] [--texts-file FILE]`; `--help` explains.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPocketsphinx } from '../src/transcription/pocketsphinx';
import { runProgram } from '../src/transcription/run';
import { wordErrorRate } from '../src/transcription/wer';

/** Voicemail-like sentences, written as they are spoken (numbers in words). */
export const DEFAULT_TEXTS = [
  'hello this is john calling about my account please call me back',
  'my card number is four one one one one one one one one one one one one one one one',
  'i would like to cancel my order and get a refund',
  'the meeting is moved to thursday afternoon at three',
  'please send the invoice to my email address',
  'i have a question about the charge on my last bill',
  'thank you for your help have a nice day',
  'can someone call me back this evening after six',
];

export interface WerResult {
  wer: number;
  werTelephone: number;
  samples: number;
}

const DEFAULT_ENGINE = {
  bin: process.env.POCKETSPHINX_BIN ?? 'pocketsphinx_continuous',
  modelDir: process.env.POCKETSPHINX_MODEL_DIR ?? '/usr/share/pocketsphinx/model/en-us',
  sox: process.env.SOX_BIN ?? 'sox',
};

/**
 * Synthesises each text with `flite -voice rms`, resamples to 16 kHz mono, and also sends it
 * through an 8 kHz μ-law round trip (what a PSTN call carries); transcribes both with
 * pocketsphinx and returns the corpus word error rate of each.
 */
export async function measureWer(opts: { texts?: string[] } = {}): Promise<WerResult> {
  const texts = opts.texts ?? DEFAULT_TEXTS;
  if (texts.length === 0) throw new Error('measureWer needs at least one text');
  const engine = createPocketsphinx(DEFAULT_ENGINE);
  const dir = await mkdtemp(path.join(tmpdir(), 'sb-wer-'));
  try {
    const wide: { reference: string; hypothesis: string }[] = [];
    const phone: { reference: string; hypothesis: string }[] = [];
    for (const [i, text] of texts.entries()) {
      const spoken = path.join(dir, `${i}-flite.wav`);
      const sixteen = path.join(dir, `${i}-16k.wav`);
      const mulaw = path.join(dir, `${i}-8k-ulaw.wav`);
      await runProgram('flite', ['-voice', 'rms', '-t', text, '-o', spoken]);
      await runProgram(DEFAULT_ENGINE.sox, [spoken, '-r', '16000', '-c', '1', '-b', '16', sixteen]);
      await runProgram(DEFAULT_ENGINE.sox, [
        spoken,
        '-r',
        '8000',
        '-c',
        '1',
        '-e',
        'u-law',
        '-b',
        '8',
        mulaw,
      ]);
      const a = await engine.transcribe({ path: sixteen, channels: 1 });
      const b = await engine.transcribe({ path: mulaw, channels: 1 });
      wide.push({ reference: text, hypothesis: a.text });
      phone.push({ reference: text, hypothesis: b.text });
    }
    return { wer: wordErrorRate(wide), werTelephone: wordErrorRate(phone), samples: texts.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const HELP = `Usage: npm run bench:speech -- [options]   (or npx tsx bench/speech-wer.ts)

Word error rate of pocketsphinx (Debian's pocketsphinx-en-us) on speech synthesised by
flite -voice rms: at 16 kHz, and through 8 kHz u-law as a phone line delivers it.
Needs flite, sox and pocketsphinx on PATH.

Options:
  --texts-file FILE  one reference text a line (default: ${DEFAULT_TEXTS.length} built-in voicemail sentences)
  --json             print the result as one JSON object, the last line
  -h, --help         print this help and exit`;

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        'texts-file': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // A bad command line is one line and usage, not a stack trace.
    console.error(`${(err as Error).message}; see --help.`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const { values } = parseCommandLine();
  if (values.help) {
    console.log(HELP);
    return;
  }
  const texts = values['texts-file']
    ? (await readFile(values['texts-file'], 'utf8'))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    : undefined;
  const started = Date.now();
  const result = await measureWer(texts ? { texts } : {});
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.table([
    { audio: '16 kHz PCM', samples: result.samples, 'WER %': (result.wer * 100).toFixed(1) },
    {
      audio: '8 kHz u-law (phone)',
      samples: result.samples,
      'WER %': (result.werTelephone * 100).toFixed(1),
    },
  ]);
  console.log(`${result.samples} texts in ${seconds} s`);
  if (values.json) console.log(JSON.stringify(result));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
