import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary folder for synthesised speech. */
export function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'sb-stt-test-'));
}

/** Speaks `text` with `flite -voice rms` and writes 16 kHz mono 16-bit WAV. */
export function speak(dir: string, name: string, text: string): string {
  const raw = path.join(dir, `${name}-flite.wav`);
  const out = path.join(dir, `${name}.wav`);
  execFileSync('flite', ['-voice', 'rms', '-t', text, '-o', raw]);
  execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', out]);
  return out;
}

/** Two mono files as one two-channel WAV (left: first), like Twilio's dual-channel recordings. */
export function stereo(dir: string, name: string, left: string, right: string): string {
  const out = path.join(dir, `${name}.wav`);
  execFileSync('sox', ['-M', left, right, out]);
  return out;
}
