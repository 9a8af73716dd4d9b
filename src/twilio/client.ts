import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

export type TwilioClient = twilio.Twilio;

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Empty for Twilio itself; otherwise a base URL such as the simulator's http://127.0.0.1:3100. */
  apiBaseUrl?: string;
}

const TWILIO_HOST = /^https:\/\/([a-z0-9-]+\.)*twilio\.com(:443)?/i;

export function rewriteTwilioUrl(uri: string, baseUrl: string): string {
  return uri.replace(TWILIO_HOST, baseUrl.replace(/\/+$/, ''));
}

/**
 * twilio's documented `httpClient` hook: every request the client builds for a *.twilio.com
 * host (api, and its regional or edge variants) goes to `baseUrl` instead, path and query kept.
 */
export class RedirectingRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    return super.request({ ...opts, uri: rewriteTwilioUrl(opts.uri, this.baseUrl) });
  }
}

/** The real `twilio` client; pointed at `apiBaseUrl` when one is given. */
export function createTwilioClient(opts: TwilioClientOptions): TwilioClient {
  const base = opts.apiBaseUrl?.trim() ?? '';
  if (base === '') return twilio(opts.accountSid, opts.authToken);
  return twilio(opts.accountSid, opts.authToken, {
    httpClient: new RedirectingRequestClient(base),
  });
}
