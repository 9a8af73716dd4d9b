import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Twilio call recordings are 8 kHz, 16-bit PCM WAV. */
export const SAMPLE_RATE = 8000;

const available = new Map<string, Promise<boolean>>();

function hasTool(name: string): Promise<boolean> {
  let probe = available.get(name);
  if (!probe) {
    probe = run(name, ['--version'], { timeout: 5000 }).then(
      () => true,
      () => false,
    );
    available.set(name, probe);
  }
  return probe;
}

/** A 44-byte RIFF/WAVE header for 16-bit PCM at 8 kHz. */
function wavHeader(frames: number, channels: 1 | 2): Buffer {
  const dataSize = frames * channels * 2;
  const buf = Buffer.alloc(44);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataSize, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(SAMPLE_RATE, 24);
  buf.writeUInt32LE(SAMPLE_RATE * channels * 2, 28);
  buf.writeUInt16LE(channels * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataSize, 40);
  return buf;
}

function toneFrames(seconds: number): number {
  return Math.max(1, Math.round(seconds * SAMPLE_RATE));
}

/** PCM of the tone from frame `from` (exclusive `to`): the same bytes whichever way it is cut. */
function toneSamples(from: number, to: number, channels: 1 | 2): Buffer {
  const buf = Buffer.alloc((to - from) * channels * 2);
  for (let i = from; i < to; i++) {
    const sample = Math.round(Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE) * 3000);
    for (let c = 0; c < channels; c++) buf.writeInt16LE(sample, ((i - from) * channels + c) * 2);
  }
  return buf;
}

/** Writes a RIFF/WAVE header and PCM samples: a quiet 440 Hz tone for the given length. */
export function toneWav(seconds: number, channels: 1 | 2 = 1): Buffer {
  const frames = toneFrames(seconds);
  return Buffer.concat([wavHeader(frames, channels), toneSamples(0, frames, channels)]);
}

/** The size in bytes of `toneWav(seconds, channels)`. */
export function toneWavSize(seconds: number, channels: 1 | 2 = 1): number {
  return 44 + toneFrames(seconds) * channels * 2;
}

/** The seconds of tone whose WAV is about `bytes` long. */
export function toneSecondsForSize(bytes: number, channels: 1 | 2 = 1): number {
  return Math.max(1, (bytes - 44) / (SAMPLE_RATE * channels * 2));
}

// 440 Hz at 8 kHz repeats exactly every 200 frames (11 cycles), so a chunk that is a multiple
// of 200 frames can be made once and sent again and again.
const PERIOD_FRAMES = 200;
const CHUNK_FRAMES = PERIOD_FRAMES * 80;
const chunkCache = new Map<number, Buffer>();

/**
 * The bytes of `toneWav(seconds, channels)` a chunk at a time, so a recording of tens of MB is
 * served without being held in memory (one shared 32–64 KB chunk is reused).
 */
export function* toneWavChunks(seconds: number, channels: 1 | 2 = 1): Generator<Buffer> {
  const frames = toneFrames(seconds);
  yield wavHeader(frames, channels);
  let chunk = chunkCache.get(channels);
  if (!chunk) {
    chunk = toneSamples(0, CHUNK_FRAMES, channels);
    chunkCache.set(channels, chunk);
  }
  for (let at = 0; at < frames; at += CHUNK_FRAMES) {
    const n = Math.min(CHUNK_FRAMES, frames - at);
    yield n === CHUNK_FRAMES ? chunk : chunk.subarray(0, n * channels * 2);
  }
}

export interface WavInfo {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  durationSec: number;
}

/** Reads the `fmt ` and `data` chunks of a PCM WAV; throws when the header is not one. */
export function readWavInfo(buf: Buffer): WavInfo {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let fmt: Omit<WavInfo, 'durationSec'> | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      fmt = {
        channels: buf.readUInt16LE(offset + 10),
        sampleRate: buf.readUInt32LE(offset + 12),
        bitsPerSample: buf.readUInt16LE(offset + 22),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      // Streaming writers (espeak-ng to a pipe) leave the size at 0xffffffff.
      if (size === 0xffffffff || offset + 8 + size > buf.length) size = buf.length - offset - 8;
      const bytesPerFrame = (fmt.channels * fmt.bitsPerSample) / 8;
      return { ...fmt, durationSec: size / bytesPerFrame / fmt.sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/**
 * A recording's media: the text spoken by espeak-ng (resampled to 8 kHz and padded to the
 * scripted length with sox) when those tools exist, otherwise a tone of that length.
 */
export async function synthesizeWav(
  text: string,
  seconds: number,
  channels: 1 | 2 = 1,
): Promise<Buffer> {
  if (text.trim() === '' || !(await hasTool('espeak-ng'))) return toneWav(seconds, channels);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sim-audio-'));
  try {
    const raw = path.join(dir, 'speech.wav');
    await run('espeak-ng', ['-w', raw, text], { timeout: 20_000 });
    if (!(await hasTool('sox'))) return await readFile(raw);
    const spoken = readWavInfo(await readFile(raw)).durationSec;
    const out = path.join(dir, 'out.wav');
    const pad = Math.max(0, seconds - spoken);
    await run(
      'sox',
      [
        raw,
        '-r',
        String(SAMPLE_RATE),
        '-c',
        String(channels),
        '-b',
        '16',
        out,
        'pad',
        '0',
        pad.toFixed(3),
      ],
      { timeout: 20_000 },
    );
    return await readFile(out);
  } catch {
    return toneWav(seconds, channels);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
