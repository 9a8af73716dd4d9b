import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import RestException from 'twilio/lib/base/RestException';
import TwilioServiceException from 'twilio/lib/base/TwilioServiceException';
import type Response from 'twilio/lib/http/response';

export type TwilioClient = twilio.Twilio;

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Empty for Twilio itself; otherwise a base URL such as the simulator's http://127.0.0.1:3100. */
  apiBaseUrl?: string;
  /** Twilio edge location (sydney, dublin …) and region (au1, ie1 …); empty for the default. */
  edge?: string;
  region?: string;
  /** Per-request HTTP timeout in ms (twilio's default is 30000). */
  timeoutMs?: number;
}

const TWILIO_HOST = /^https:\/\/([a-z0-9-]+\.)*twilio\.com(:443)?/i;

export function rewriteTwilioUrl(uri: string, baseUrl: string): string {
  return uri.replace(TWILIO_HOST, baseUrl.replace(/\/+$/, ''));
}

/**
 * twilio's documented `httpClient` hook. With a `baseUrl`, every request the client builds for a
 * *.twilio.com host (api, and its regional or edge variants) goes there instead, path and query
 * kept. An error answer is raised here, as twilio would raise it, but with its Retry-After header:
 * twilio's own exceptions drop the headers, and a 20429 tells us when to come back.
 */
export class TwilioRequestClient extends RequestClient {
  private readonly baseUrl: string;

  constructor(opts: { baseUrl?: string; timeoutMs?: number } = {}) {
    super(opts.timeoutMs ? { timeout: opts.timeoutMs } : {});
    this.baseUrl = opts.baseUrl?.trim() ?? '';
  }

  override async request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<Response<TData>> {
    const uri = this.baseUrl === '' ? opts.uri : rewriteTwilioUrl(opts.uri, this.baseUrl);
    const response = await super.request({ ...opts, uri });
    if (response.statusCode >= 400) throw twilioException(response);
    return response;
  }
}

function twilioException(response: Response<unknown>): Error {
  const body: unknown =
    typeof response.body === 'string' ? parseJson(response.body) : response.body;
  const err = TwilioServiceException.isRFC9457Response(body)
    ? new TwilioServiceException(response)
    : new RestException(response);
  const headers = response.headers as Record<string, unknown> | undefined;
  const retryAfter = headers?.['retry-after'];
  if (typeof retryAfter === 'string') Object.assign(err, { retryAfter });
  return err;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The real `twilio` client, on the configured edge and region, or pointed at `apiBaseUrl`. */
export function createTwilioClient(opts: TwilioClientOptions): TwilioClient {
  return twilio(opts.accountSid, opts.authToken, {
    httpClient: new TwilioRequestClient({
      ...(opts.apiBaseUrl ? { baseUrl: opts.apiBaseUrl } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    }),
    // Passed even when empty, so twilio does not fall back to TWILIO_EDGE in process.env.
    edge: opts.edge ?? '',
    region: opts.region ?? '',
  });
}
