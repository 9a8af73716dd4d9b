import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import type { FastifyInstance } from 'fastify';
import {
  TranscriptionError,
  type Transcriber,
  type Transcript,
} from '../../src/transcription/types';
import { AUTH_TOKEN } from '../helpers/env';

/** A recogniser that always hears the same words, card number included; it can hang once. */
export class FakeRecogniser implements Transcriber {
  readonly name = 'fake-ok';
  calls = 0;
  hangNext = false;
  hung = false;

  constructor(
    private readonly text = 'please call me back my card is 4111 1111 1111 1111 thanks',
  ) {}

  async transcribe(_input: unknown, signal?: AbortSignal): Promise<Transcript> {
    this.calls++;
    if (this.hangNext) {
      this.hangNext = false;
      this.hung = true;
      await new Promise<void>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    }
    const words = this.text.split(' ').map((word, i) => ({ word, startSec: i, endSec: i + 0.5 }));
    return { provider: this.name, text: this.text, words };
  }
}

/** A provider that is down: every attempt fails as a 503 would. */
export const brokenProvider: Transcriber = {
  name: 'fake-down',
  transcribe: () =>
    Promise.reject(new TranscriptionError('fake-down', 'HTTP 503', { retryable: true })),
};

/**
 * A proxy in front of the simulator's REST API that can cut the next media download in the
 * middle: headers and half the bytes, then the connection drops, as a flaky network does.
 */
export class MediaProxy {
  breakNext = false;
  mediaRequests = 0;
  /** SHA-256 of each complete media body passed through, by RecordingSid. */
  readonly served = new Map<string, string>();
  private server?: http.Server;

  async start(upstream: string): Promise<string> {
    const target = new URL(upstream);
    this.server = http.createServer((req, res) => {
      const isMedia = /\/Recordings\/RE[0-9a-f]{32}\.wav$/.test(req.url ?? '');
      if (isMedia) this.mediaRequests++;
      const cut = isMedia && this.breakNext;
      if (cut) this.breakNext = false;
      const up = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const body = Buffer.concat(chunks);
            if (cut) {
              res.write(body.subarray(0, Math.floor(body.length / 2)));
              setTimeout(() => res.socket?.destroy(), 50);
              return;
            }
            if (isMedia && upRes.statusCode === 200) {
              const sid = /(RE[0-9a-f]{32})/.exec(req.url ?? '')![1]!;
              this.served.set(sid, createHash('sha256').update(body).digest('hex'));
            }
            res.end(body);
          });
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/** Posts a recording callback as Twilio would: form body, signed over the public URL. */
export async function postSigned(
  app: FastifyInstance,
  baseUrl: string,
  path: string,
  params: Record<string, string>,
) {
  const url = `${baseUrl}${path}`;
  return app.inject({
    method: 'POST',
    url: path,
    payload: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params),
    },
  });
}
