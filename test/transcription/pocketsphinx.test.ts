import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPocketsphinx, parsePocketsphinxWords } from '../../src/transcription/pocketsphinx';
import { TranscriptionError } from '../../src/transcription/types';
import { normaliseWords } from '../../src/transcription/wer';
import { scratchDir, speak, stereo } from './audio';

const engine = createPocketsphinx({
  bin: 'pocketsphinx_continuous',
  modelDir: '/usr/share/pocketsphinx/model/en-us',
  sox: 'sox',
});

/** Share of the reference's words the hypothesis contains (a recogniser's exact string varies). */
function overlap(reference: string, hypothesis: string): number {
  const heard = new Set(normaliseWords(hypothesis));
  const words = normaliseWords(reference);
  return words.filter((w) => heard.has(w)).length / words.length;
}

let dir: string;
beforeAll(() => {
  dir = scratchDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pocketsphinx on flite speech', () => {
  it('recognises the words of a voicemail', async () => {
    const said = 'please call me back about my account tomorrow morning';
    const t = await engine.transcribe({ path: speak(dir, 'vm', said), channels: 1 });
    expect(t.provider).toBe('pocketsphinx');
    expect(overlap(said, t.text)).toBeGreaterThanOrEqual(0.6);
    expect(t.words.length).toBeGreaterThan(4);
    expect(t.words.every((w) => w.endSec >= w.startSec && w.channel === undefined)).toBe(true);
    expect(t.confidence).toBeGreaterThan(0);
  });

  it('decodes each channel of a dual-channel recording and labels the words', async () => {
    const left = 'thank you for calling';
    const right = 'i need help with my bill';
    const file = stereo(dir, 'dual', speak(dir, 'left', left), speak(dir, 'right', right));
    const t = await engine.transcribe({ path: file, channels: 2 });
    const ch0 = t.words
      .filter((w) => w.channel === 0)
      .map((w) => w.word)
      .join(' ');
    const ch1 = t.words
      .filter((w) => w.channel === 1)
      .map((w) => w.word)
      .join(' ');
    expect(overlap(left, ch0)).toBeGreaterThanOrEqual(0.5);
    expect(overlap(right, ch1)).toBeGreaterThanOrEqual(0.5);
    const starts = t.words.map((w) => w.startSec);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('an unreadable file is a non-retryable error; another language is refused', async () => {
    const err = await engine
      .transcribe({ path: `${dir}/missing.wav`, channels: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptionError);
    expect(err).toMatchObject({ provider: 'pocketsphinx', retryable: false });
    await expect(
      engine.transcribe({ path: 'x.wav', channels: 1, language: 'fr-FR' }),
    ).rejects.toMatchObject({
      retryable: false,
    });
  });

  it('kills the decoder when aborted', async () => {
    const file = speak(dir, 'long', 'one two three four five six seven eight nine ten '.repeat(4));
    const controller = new AbortController();
    const run = engine.transcribe({ path: file, channels: 1 }, controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(run).rejects.toThrow(/stop/);
  });
});

describe('parsePocketsphinxWords', () => {
  it('keeps words, drops markers and variant numbers', () => {
    const out =
      'hello world\n<s> 0.000 0.030 0.999900\nhello 0.04 0.46 0.99\n<sil> 0.5 0.6 1\n[NOISE] 0.6 0.7 1\nworld(2) 0.70 1.10 1.000100\n</s> 1.1 1.2 1\n';
    expect(parsePocketsphinxWords(out, 1)).toEqual([
      { word: 'hello', startSec: 0.04, endSec: 0.46, confidence: 0.99, channel: 1 },
      { word: 'world', startSec: 0.7, endSec: 1.1, confidence: 1, channel: 1 },
    ]);
  });
});
