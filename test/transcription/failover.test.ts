import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config';
import { transcriberFromConfig } from '../../src/transcription';
import { failoverChain } from '../../src/transcription/failover';
import { TranscriptionError, type Transcriber } from '../../src/transcription/types';
import { startFakeAssemblyAi, type FakeAssemblyAi } from '../fakes/assemblyai';
import { startFakeDeepgram, type FakeDeepgram } from '../fakes/deepgram';
import { testConfig } from '../helpers/env';
import { scratchDir, speak } from './audio';

let dir: string;
let wav: string;
let deepgram: FakeDeepgram;
let assembly: FakeAssemblyAi;
beforeAll(async () => {
  dir = scratchDir();
  wav = speak(dir, 'hello', 'hello');
  deepgram = await startFakeDeepgram();
  assembly = await startFakeAssemblyAi();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deepgram.close();
  await assembly.close();
});
afterEach(() => {
  for (const fake of [deepgram, assembly]) {
    fake.requests.length = 0;
    fake.queue.length = 0;
    fake.mode = 'ok';
  }
});

function configFor(env: Record<string, string>) {
  return testConfig({
    TRANSCRIPTION_PROVIDERS: 'deepgram,assemblyai',
    DEEPGRAM_API_KEY: deepgram.apiKey,
    DEEPGRAM_BASE_URL: deepgram.baseUrl,
    ASSEMBLYAI_API_KEY: assembly.apiKey,
    ASSEMBLYAI_BASE_URL: assembly.baseUrl,
    ASSEMBLYAI_POLL_INTERVAL_MS: '20',
    TRANSCRIPTION_RETRY_DELAY_MS: '0',
    TRANSCRIPTION_TIMEOUT_MS: '5000',
    ...env,
  });
}

describe('the configured failover chain', () => {
  it('retries a retryable error on the same provider before moving on', async () => {
    deepgram.queue.push('server-error', 'rate-limited');
    deepgram.channelTexts = ['third time lucky'];
    const failed: string[] = [];
    const chain = transcriberFromConfig(configFor({ TRANSCRIPTION_RETRIES: '2' }), {
      onAttemptFailed: (e, willRetry) => failed.push(`${e.provider}:${willRetry}`),
    });
    const t = await chain.transcribe({ path: wav, channels: 1 });
    expect(t).toMatchObject({ provider: 'deepgram', text: 'third time lucky' });
    expect(deepgram.requests).toHaveLength(3);
    expect(assembly.requests).toHaveLength(0);
    expect(failed).toEqual(['deepgram:true', 'deepgram:true']);
  });

  it('fails over to the next provider when retries run out', async () => {
    deepgram.mode = 'server-error';
    assembly.channelTexts = ['from the backup'];
    const chain = transcriberFromConfig(configFor({ TRANSCRIPTION_RETRIES: '1' }));
    const t = await chain.transcribe({ path: wav, channels: 1 });
    expect(t).toMatchObject({ provider: 'assemblyai', text: 'from the backup' });
    expect(deepgram.requests).toHaveLength(2);
  });

  it('moves on at once after a non-retryable error (bad key)', async () => {
    const chain = transcriberFromConfig(
      configFor({ DEEPGRAM_API_KEY: 'revoked-key', TRANSCRIPTION_RETRIES: '3' }),
    );
    const t = await chain.transcribe({ path: wav, channels: 1 });
    expect(t.provider).toBe('assemblyai');
    expect(deepgram.requests).toHaveLength(1);
  });

  it('times out a provider that hangs and fails over', async () => {
    deepgram.mode = 'hang';
    const failed: TranscriptionError[] = [];
    const chain = transcriberFromConfig(
      configFor({ TRANSCRIPTION_TIMEOUT_MS: '1000', TRANSCRIPTION_RETRIES: '0' }),
      { onAttemptFailed: (e) => failed.push(e) },
    );
    const t = await chain.transcribe({ path: wav, channels: 1 });
    expect(t.provider).toBe('assemblyai');
    expect(failed[0]).toMatchObject({ provider: 'deepgram', retryable: true });
    expect(failed[0]!.message).toMatch(/timed out after 1000 ms/);
  });

  it('reports the last error, retryable if any provider’s was, when all fail', async () => {
    deepgram.mode = 'rate-limited';
    assembly.mode = 'transcript-error';
    const chain = transcriberFromConfig(configFor({ TRANSCRIPTION_RETRIES: '0' }));
    const err = await chain.transcribe({ path: wav, channels: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptionError);
    expect(err).toMatchObject({ provider: 'failover', retryable: true });
    expect((err as Error).message).toMatch(/Download error/);
  });

  it('a listed cloud provider without its key is a config error', () => {
    expect(() => transcriberFromConfig(configFor({ DEEPGRAM_API_KEY: '' }))).toThrow(ConfigError);
    expect(() => testConfig({ TRANSCRIPTION_PROVIDERS: 'pocketsphinx,whisper' })).toThrow(
      /TRANSCRIPTION_PROVIDERS is malformed/,
    );
  });
});

describe('failoverChain', () => {
  const ok = (name: string): Transcriber => ({
    name,
    transcribe: () => Promise.resolve({ provider: name, text: 'ok', words: [] }),
  });
  const ignoresSignal: Transcriber = {
    name: 'stuck',
    transcribe: () => new Promise(() => undefined),
  };

  it('does not wait for a provider that ignores its abort signal', async () => {
    const chain = failoverChain([ignoresSignal, ok('next')], {
      retries: 0,
      retryDelayMs: 0,
      timeoutMs: 100,
    });
    await expect(chain.transcribe({ path: 'x.wav', channels: 1 })).resolves.toMatchObject({
      provider: 'next',
    });
  });

  it('stops the whole chain when the caller aborts (an activity cancelled)', async () => {
    const controller = new AbortController();
    const chain = failoverChain([ignoresSignal, ok('next')], {
      retries: 5,
      retryDelayMs: 0,
      timeoutMs: 60_000,
    });
    const run = chain.transcribe({ path: 'x.wav', channels: 1 }, controller.signal);
    controller.abort(new Error('activity cancelled'));
    await expect(run).rejects.toThrow('activity cancelled');
  });
});
