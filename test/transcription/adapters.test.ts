import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAssemblyAi } from '../../src/transcription/assemblyai';
import { createDeepgram } from '../../src/transcription/deepgram';
import { TranscriptionError } from '../../src/transcription/types';
import { startFakeAssemblyAi, type FakeAssemblyAi } from '../fakes/assemblyai';
import { startFakeDeepgram, type FakeDeepgram } from '../fakes/deepgram';
import { scratchDir, speak, stereo } from './audio';

let dir: string;
let mono: string;
let dual: string;
let notAudio: string;
beforeAll(() => {
  dir = scratchDir();
  mono = speak(dir, 'mono', 'hello');
  dual = stereo(dir, 'dual', mono, speak(dir, 'other', 'yes'));
  notAudio = path.join(dir, 'notes.wav');
  writeFileSync(notAudio, 'this is not a wav file at all');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<TranscriptionError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TranscriptionError);
  return err as TranscriptionError;
}

describe('Deepgram adapter against the fake', () => {
  let fake: FakeDeepgram;
  beforeAll(async () => {
    fake = await startFakeDeepgram();
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.requests.length = 0;
    fake.queue.length = 0;
    fake.mode = 'ok';
  });
  const adapter = (apiKey = fake.apiKey) =>
    createDeepgram({ apiKey, baseUrl: fake.baseUrl, model: 'nova-2' });

  it('posts the file to /v1/listen with Token auth and maps words', async () => {
    fake.channelTexts = ['please call me back'];
    const t = await adapter().transcribe({ path: mono, channels: 1, language: 'en-US' });
    expect(t).toMatchObject({
      provider: 'deepgram',
      text: 'please call me back',
      confidence: 0.97,
    });
    expect(t.words.map((w) => w.word)).toEqual(['please', 'call', 'me', 'back']);
    expect(t.words[1]!.startSec).toBeGreaterThan(t.words[0]!.startSec);
    const [req] = fake.requests;
    expect(req!.authorization).toBe(`Token ${fake.apiKey}`);
    expect(req!.query).toMatchObject({ model: 'nova-2', multichannel: 'false', language: 'en-US' });
    expect(req!.bytes).toBeGreaterThan(1000);
  });

  it('asks for multichannel on dual-channel audio and keeps each word’s channel', async () => {
    fake.channelTexts = ['my card is due', 'thanks'];
    const t = await adapter().transcribe({ path: dual, channels: 2 });
    expect(fake.requests[0]!.query.multichannel).toBe('true');
    expect(t.words.filter((w) => w.channel === 1).map((w) => w.word)).toEqual(['thanks']);
    expect(t.words.filter((w) => w.channel === 0)).toHaveLength(4);
  });

  it('a wrong key is a non-retryable INVALID_AUTH', async () => {
    const err = await failure(adapter('wrong-key').transcribe({ path: mono, channels: 1 }));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/401 INVALID_AUTH/);
  });

  it('429 and 5xx are retryable; undecodable audio is not', async () => {
    fake.queue.push('rate-limited', 'server-error');
    expect((await failure(adapter().transcribe({ path: mono, channels: 1 }))).retryable).toBe(true);
    expect((await failure(adapter().transcribe({ path: mono, channels: 1 }))).retryable).toBe(true);
    const bad = await failure(adapter().transcribe({ path: notAudio, channels: 1 }));
    expect(bad.retryable).toBe(false);
    expect(bad.message).toMatch(/400 .*corrupt/);
  });

  it('stops waiting when its signal aborts', async () => {
    fake.mode = 'hang';
    const signal = AbortSignal.timeout(300);
    await expect(adapter().transcribe({ path: mono, channels: 1 }, signal)).rejects.toThrow();
    expect(signal.aborted).toBe(true);
  });
});

describe('AssemblyAI adapter against the fake', () => {
  let fake: FakeAssemblyAi;
  beforeAll(async () => {
    fake = await startFakeAssemblyAi();
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.requests.length = 0;
    fake.queue.length = 0;
    fake.mode = 'ok';
  });
  const adapter = (apiKey = fake.apiKey) =>
    createAssemblyAi({ apiKey, baseUrl: fake.baseUrl, pollIntervalMs: 20 });

  it('uploads, submits and polls until completed', async () => {
    fake.channelTexts = ['call me at home'];
    const t = await adapter().transcribe({ path: mono, channels: 1 });
    expect(t).toMatchObject({ provider: 'assemblyai', text: 'call me at home', language: 'en_us' });
    expect(t.words.map((w) => w.word)).toEqual(['call', 'me', 'at', 'home']);
    expect(t.words[3]!.endSec).toBeLessThan(5);
    const calls = fake.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`);
    expect(calls).toEqual([
      'POST /v2/upload',
      'POST /v2/transcript',
      'GET /v2/transcript/:id',
      'GET /v2/transcript/:id',
      'GET /v2/transcript/:id',
    ]);
    expect(fake.requests.every((r) => r.authorization === fake.apiKey)).toBe(true);
    expect(fake.requests[1]!.body).toMatchObject({
      audio_url: expect.stringContaining('/upload/'),
    });
  });

  it('sends multichannel for dual-channel audio; channels come back 0-based', async () => {
    fake.channelTexts = ['hello', 'hi there'];
    const t = await adapter().transcribe({ path: dual, channels: 2 });
    expect(fake.requests[1]!.body).toMatchObject({ multichannel: true });
    expect(t.words.filter((w) => w.channel === 1).map((w) => w.word)).toEqual(['hi', 'there']);
  });

  it('a wrong key fails non-retryably with the documented error text', async () => {
    const err = await failure(adapter('nope').transcribe({ path: mono, channels: 1 }));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/401 Authentication error/);
  });

  it('a transcript in status error fails non-retryably; 429/500 are retryable', async () => {
    fake.mode = 'transcript-error';
    const err = await failure(adapter().transcribe({ path: mono, channels: 1 }));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/Download error/);
    fake.mode = 'ok';
    fake.queue.push('rate-limited');
    expect((await failure(adapter().transcribe({ path: mono, channels: 1 }))).retryable).toBe(true);
    fake.queue.push('ok', 'ok', 'server-error');
    expect((await failure(adapter().transcribe({ path: mono, channels: 1 }))).retryable).toBe(true);
  });

  it('stops polling when its signal aborts', async () => {
    fake.pollsBeforeDone = 1_000_000;
    try {
      const controller = new AbortController();
      const run = adapter().transcribe({ path: mono, channels: 1 }, controller.signal);
      setTimeout(() => controller.abort(new Error('cancelled by test')), 200);
      await expect(run).rejects.toThrow('cancelled by test');
      // A request in flight at the abort may still land; after that, no more polls (every 20 ms).
      await new Promise((r) => setTimeout(r, 50));
      const polls = fake.requests.length;
      await new Promise((r) => setTimeout(r, 200));
      expect(fake.requests.length).toBe(polls);
    } finally {
      fake.pollsBeforeDone = 2;
    }
  });
});
