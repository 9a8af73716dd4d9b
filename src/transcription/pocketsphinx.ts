import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runProgram, toSixteenKhzMono } from './run';
import {
  TranscriptionError,
  type TranscribeInput,
  type Transcriber,
  type Transcript,
  type TranscriptWord,
} from './types';

export interface PocketsphinxOptions {
  /** `pocketsphinx_continuous` (Debian's `pocketsphinx`). */
  bin: string;
  /** Holds `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict` (`pocketsphinx-en-us`). */
  modelDir: string;
  sox: string;
}

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
// Markers the decoder emits for utterance edges, silence and noise; they are not speech.
const NON_WORD = /^(<s>|<\/s>|<sil>|\[[A-Z]+\]|\+\+.*\+\+)$/;

/** Parses `-time yes` output: one `word start end posterior` line per word; `(2)` marks a variant. */
export function parsePocketsphinxWords(stdout: string, channel?: number): TranscriptWord[] {
  const words: TranscriptWord[] = [];
  for (const line of stdout.split('\n')) {
    const m = WORD_LINE.exec(line.trim());
    if (!m || NON_WORD.test(m[1]!)) continue;
    const word: TranscriptWord = {
      word: m[1]!.replace(/\(\d+\)$/, ''),
      startSec: Number(m[2]),
      endSec: Number(m[3]),
      confidence: Math.min(1, Number(m[4])),
    };
    if (channel !== undefined) word.channel = channel;
    words.push(word);
  }
  return words;
}

/**
 * The offline engine: CMU pocketsphinx with its US English model, fed 16 kHz mono made by sox.
 * A dual-channel recording (Twilio's default: one party per channel) is decoded one channel at a
 * time, so each word keeps its speaker and one party's speech never masks the other's; the text
 * is the words of both channels in time order.
 */
export function createPocketsphinx(options: PocketsphinxOptions): Transcriber {
  const name = 'pocketsphinx';
  async function decode(file: string, signal?: AbortSignal): Promise<string> {
    const model = options.modelDir;
    const { stdout } = await runProgram(
      options.bin,
      [
        ['-infile', file],
        ['-hmm', path.join(model, 'en-us')],
        ['-lm', path.join(model, 'en-us.lm.bin')],
        ['-dict', path.join(model, 'cmudict-en-us.dict')],
        ['-time', 'yes'],
        ['-logfn', '/dev/null'],
      ].flat(),
      signal,
    );
    return stdout;
  }
  return {
    name,
    async transcribe(input: TranscribeInput, signal?: AbortSignal): Promise<Transcript> {
      if (input.language && !/^en(-US)?$/i.test(input.language)) {
        throw new TranscriptionError(name, `no model for language ${input.language}`, {
          retryable: false,
        });
      }
      const dir = await mkdtemp(path.join(tmpdir(), 'sb-sphinx-'));
      try {
        const channels = Math.max(1, Math.floor(input.channels));
        const words: TranscriptWord[] = [];
        for (let ch = 1; ch <= channels; ch++) {
          const mono = path.join(dir, `ch${ch}.wav`);
          await step(name, 'sox', () =>
            toSixteenKhzMono(options.sox, input.path, mono, ch, signal),
          );
          const out = await step(name, 'decode', () => decode(mono, signal));
          words.push(...parsePocketsphinxWords(out, channels > 1 ? ch - 1 : undefined));
        }
        words.sort((a, b) => a.startSec - b.startSec || (a.channel ?? 0) - (b.channel ?? 0));
        const scored = words.filter((w) => w.confidence !== undefined);
        const transcript: Transcript = {
          provider: name,
          text: words.map((w) => w.word).join(' '),
          words,
          language: 'en-US',
        };
        if (scored.length > 0) {
          transcript.confidence =
            scored.reduce((sum, w) => sum + (w.confidence ?? 0), 0) / scored.length;
        }
        return transcript;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

async function step<T>(provider: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TranscriptionError) throw err;
    // A file sox cannot read stays unreadable; a missing binary or a killed decoder may not.
    const message = err instanceof Error ? err.message : String(err);
    const retryable = !(what === 'sox' && /exited with/.test(message));
    throw new TranscriptionError(provider, `${what} failed: ${message}`, { retryable, cause: err });
  }
}
