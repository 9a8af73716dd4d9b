import { randomHex, type Random } from './random';
import { signRequest } from './signature';
import { voiceErrors } from './errors';

export type HttpMethod = 'GET' | 'POST';

export interface WebhookRequest {
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
}

export interface WebhookAttempt {
  url: string;
  method: HttpMethod;
  idempotencyToken: string;
  status?: number;
  /** Set when Twilio would have given up on this attempt (timeout, refused, blocked host). */
  failure?: string;
  /** The attempt reached the server but was treated as timed out (fault injection). */
  forcedTimeout?: boolean;
}

export type WebhookOutcome =
  | { ok: true; status: number; contentType: string; body: string }
  | { ok: false; errorCode: number; message: string; status?: number };

export interface WebhookResult {
  outcome: WebhookOutcome;
  attempts: WebhookAttempt[];
}

export interface WebhookClientOptions {
  authToken: string;
  timeoutMs: number;
  random: Random;
  allowExternalHosts: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK.has(host) || host.endsWith('.localhost');
  } catch {
    return false;
  }
}

/** Makes Twilio-shaped webhook requests: form-encoded, signed, with an idempotency token. */
export class WebhookClient {
  constructor(private readonly opts: WebhookClientOptions) {}

  newIdempotencyToken(): string {
    const h = randomHex(this.opts.random, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /**
   * One logical webhook. A timed-out or refused attempt is retried once with the same
   * `I-Twilio-Idempotency-Token`, as Twilio's default connection policy does, so the app can
   * recognise the retry; HTTP error statuses are not retried.
   */
  async send(
    req: WebhookRequest,
    opts: { forceTimeoutFirst?: boolean } = {},
  ): Promise<WebhookResult> {
    const token = this.newIdempotencyToken();
    const attempts: WebhookAttempt[] = [];
    let outcome: WebhookOutcome = {
      ok: false,
      errorCode: voiceErrors.connectionFailure,
      message: '',
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const record: WebhookAttempt = { url: req.url, method: req.method, idempotencyToken: token };
      attempts.push(record);
      outcome = await this.once(
        req,
        token,
        record,
        attempt === 0 && opts.forceTimeoutFirst === true,
      );
      if (outcome.ok || outcome.errorCode !== voiceErrors.connectionFailure) break;
    }
    return { outcome, attempts };
  }

  private async once(
    req: WebhookRequest,
    token: string,
    record: WebhookAttempt,
    forceTimeout: boolean,
  ): Promise<WebhookOutcome> {
    if (!this.opts.allowExternalHosts && !isLocalUrl(req.url)) {
      record.failure = 'blocked: the simulator only calls loopback hosts';
      return {
        ok: false,
        errorCode: voiceErrors.badHost,
        message: `refused non-local URL ${req.url}`,
      };
    }
    let url = req.url;
    const body = new URLSearchParams(req.params).toString();
    if (req.method === 'GET') {
      const u = new URL(req.url);
      for (const [k, v] of Object.entries(req.params)) u.searchParams.append(k, v);
      url = u.toString();
    }
    const signature = signRequest(
      this.opts.authToken,
      url,
      req.method === 'POST' ? req.params : {},
    );
    const headers: Record<string, string> = {
      'X-Twilio-Signature': signature,
      'I-Twilio-Idempotency-Token': token,
      'User-Agent': 'TwilioProxy/1.1',
      Accept: '*/*',
    };
    if (req.method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';
    try {
      const res = await fetch(url, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? body : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: 'follow',
      });
      const text = await res.text();
      record.status = res.status;
      if (forceTimeout) {
        record.forcedTimeout = true;
        record.failure = 'timeout (injected)';
        return {
          ok: false,
          errorCode: voiceErrors.connectionFailure,
          message: 'timeout (injected)',
        };
      }
      if (res.status < 200 || res.status >= 300) {
        return {
          ok: false,
          errorCode: voiceErrors.retrievalFailure,
          message: `HTTP ${res.status} from ${req.url}`,
          status: res.status,
        };
      }
      return {
        ok: true,
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        body: text,
      };
    } catch (err) {
      const timedOut =
        err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      record.failure = timedOut ? `timeout after ${this.opts.timeoutMs} ms` : String(err);
      return {
        ok: false,
        errorCode: voiceErrors.connectionFailure,
        message: timedOut
          ? `timeout after ${this.opts.timeoutMs} ms`
          : `connection failure: ${String(err)}`,
      };
    }
  }
}
