import { createHash, randomUUID } from 'node:crypto';
import { isWav, json, listen, timedWords, type FakeServer } from './http';

/** What the fake does with the next requests. */
export type DeepgramMode = 'ok' | 'rate-limited' | 'server-error' | 'hang';

export interface DeepgramRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  query: Record<string, string>;
  bytes: number;
}

export interface FakeDeepgram extends FakeServer {
  apiKey: string;
  requests: DeepgramRequest[];
  /** Modes for the next requests, in order; when empty, `mode`. */
  queue: DeepgramMode[];
  mode: DeepgramMode;
  /** What each channel "said". */
  channelTexts: string[];
}

/**
 * Deepgram's pre-recorded API as documented: `POST /v1/listen` with `Authorization: Token <key>`,
 * the audio as the body, options in the query; JSON `{ metadata, results.channels[].alternatives[] }`;
 * errors as `{ err_code, err_msg, request_id }`.
 */
export async function startFakeDeepgram(apiKey = 'dg-test-key-0123456789'): Promise<FakeDeepgram> {
  const state = { requests: [] as DeepgramRequest[], queue: [] as DeepgramMode[] };
  const fake: Partial<FakeDeepgram> = {};
  const http = await listen((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const requestId = randomUUID();
    const error = (status: number, code: string, msg: string): void =>
      json(
        res,
        status,
        { err_code: code, err_msg: msg, request_id: requestId },
        { 'dg-request-id': requestId },
      );
    if (req.method !== 'POST' || url.pathname !== '/v1/listen')
      return error(404, 'NOT_FOUND', 'Not Found');
    fake.requests!.push({
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      query: Object.fromEntries(url.searchParams),
      bytes: body.length,
    });
    if (req.headers.authorization !== `Token ${fake.apiKey}`) {
      return error(401, 'INVALID_AUTH', 'Invalid credentials.');
    }
    const mode = fake.queue!.shift() ?? fake.mode!;
    if (mode === 'hang') return; // held open until the client aborts or the fake closes
    if (mode === 'rate-limited')
      return error(429, 'TOO_MANY_REQUESTS', 'Too many requests. Please try again later.');
    if (mode === 'server-error')
      return error(503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable.');
    if (body.length === 0)
      return error(400, 'Bad Request', 'Bad Request: payload contains no data');
    if (!isWav(body))
      return error(
        400,
        'Bad Request',
        'Bad Request: failed to process audio: corrupt or unsupported data',
      );
    const multichannel = url.searchParams.get('multichannel') === 'true';
    const texts = multichannel ? fake.channelTexts! : [fake.channelTexts!.join(' ')];
    json(res, 200, {
      metadata: {
        request_id: requestId,
        sha256: createHash('sha256').update(body).digest('hex'),
        created: new Date().toISOString(),
        duration: 4,
        channels: texts.length,
        models: ['30089e05-99d1-4376-b32e-c263170674af'],
        model_info: {},
      },
      results: {
        channels: texts.map((text) => ({
          alternatives: [
            {
              transcript: text,
              confidence: 0.97,
              words: timedWords(text, 4).map((w) => ({
                ...w,
                confidence: 0.97,
                punctuated_word: w.word,
              })),
            },
          ],
        })),
      },
    });
  });
  return Object.assign(fake, http, {
    apiKey,
    requests: state.requests,
    queue: state.queue,
    mode: 'ok',
    channelTexts: ['hello from the caller'],
  });
}
