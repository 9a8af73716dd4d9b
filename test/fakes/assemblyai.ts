import { randomUUID } from 'node:crypto';
import { isWav, json, listen, timedWords, type FakeServer } from './http';

export type AssemblyAiMode = 'ok' | 'rate-limited' | 'server-error' | 'hang' | 'transcript-error';

export interface FakeAssemblyAi extends FakeServer {
  apiKey: string;
  /** Every request: method, path, authorization header. */
  requests: { method: string; path: string; authorization: string | undefined; body?: unknown }[];
  queue: AssemblyAiMode[];
  mode: AssemblyAiMode;
  channelTexts: string[];
  /** Polls a transcript stays `queued`/`processing` before it completes. */
  pollsBeforeDone: number;
}

interface Job {
  id: string;
  audioUrl: string;
  multichannel: boolean;
  polls: number;
  fail: boolean;
}

/**
 * AssemblyAI's async API as documented: `authorization: <key>`; `POST /v2/upload` (octet-stream)
 * → `{ upload_url }`; `POST /v2/transcript` `{ audio_url, … }` → a transcript `queued`;
 * `GET /v2/transcript/{id}` → `processing` … `completed` (text, words in ms) or `error`;
 * errors as `{ "error": "<message>" }`.
 */
export async function startFakeAssemblyAi(
  apiKey = 'aai-test-key-0123456789',
): Promise<FakeAssemblyAi> {
  const uploads = new Map<string, Buffer>();
  const jobs = new Map<string, Job>();
  const fake: Partial<FakeAssemblyAi> = {};
  const http = await listen((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: FakeAssemblyAi['requests'][number] = {
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization,
    };
    fake.requests!.push(entry);
    if (req.headers.authorization !== fake.apiKey) {
      return json(res, 401, { error: 'Authentication error, API token missing/invalid' });
    }
    const mode = fake.queue!.shift() ?? fake.mode!;
    if (mode === 'hang') return;
    if (mode === 'rate-limited') return json(res, 429, { error: 'Too Many Requests' });
    if (mode === 'server-error') return json(res, 500, { error: 'Internal server error' });
    if (req.method === 'POST' && url.pathname === '/v2/upload') {
      if (!isWav(body)) return json(res, 422, { error: 'Upload failed: the file is not audio' });
      const id = randomUUID();
      uploads.set(id, body);
      return json(res, 200, { upload_url: `${http.baseUrl}/upload/${id}` });
    }
    if (req.method === 'POST' && url.pathname === '/v2/transcript') {
      let params: { audio_url?: unknown; multichannel?: unknown };
      try {
        params = JSON.parse(body.toString('utf8')) as typeof params;
      } catch {
        return json(res, 400, { error: 'Invalid JSON body' });
      }
      entry.body = params;
      if (typeof params.audio_url !== 'string')
        return json(res, 400, { error: 'audio_url is required' });
      const job: Job = {
        id: randomUUID(),
        audioUrl: params.audio_url,
        multichannel: params.multichannel === true,
        polls: 0,
        fail: mode === 'transcript-error' || !uploads.has(params.audio_url.split('/').pop() ?? ''),
      };
      jobs.set(job.id, job);
      return json(res, 200, transcript(job, 'queued'));
    }
    const m = /^\/v2\/transcript\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const job = jobs.get(m[1]!);
      if (!job) return json(res, 404, { error: 'Transcript not found' });
      job.polls++;
      if (job.polls <= fake.pollsBeforeDone!)
        return json(res, 200, transcript(job, job.polls === 1 ? 'queued' : 'processing'));
      return json(res, 200, transcript(job, job.fail ? 'error' : 'completed'));
    }
    return json(res, 404, { error: 'Not found' });
  });

  function transcript(job: Job, status: string): Record<string, unknown> {
    const base = {
      id: job.id,
      audio_url: job.audioUrl,
      status,
      language_code: 'en_us',
      multichannel: job.multichannel,
    };
    if (status === 'error') {
      return {
        ...base,
        text: null,
        words: null,
        error: `Download error, unable to download ${job.audioUrl}`,
      };
    }
    if (status !== 'completed') return { ...base, text: null, words: null, confidence: null };
    const texts = job.multichannel ? fake.channelTexts! : [fake.channelTexts!.join(' ')];
    const words = texts.flatMap((text, ch) =>
      timedWords(text, 4).map((w) => ({
        text: w.word,
        start: Math.round(w.start * 1000),
        end: Math.round(w.end * 1000),
        confidence: 0.93,
        speaker: null,
        channel: job.multichannel ? String(ch + 1) : null,
      })),
    );
    return {
      ...base,
      text: texts.join(' '),
      words,
      confidence: 0.93,
      audio_duration: 4,
      audio_channels: texts.length,
    };
  }

  return Object.assign(fake, http, {
    apiKey,
    requests: [],
    queue: [],
    mode: 'ok',
    channelTexts: ['hello from the caller'],
    pollsBeforeDone: 2,
  });
}
