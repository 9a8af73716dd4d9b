import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { createTwilioActivities, type TwilioActivities } from '../../../activities/twilio';
import { buildSimulator, type Simulator } from '../../../src/sim';
import { TwilioRequestClient, type TwilioClient } from '../../../src/twilio/client';

/** The project's request client, noting when each request leaves (the rate cap's evidence). */
export class TimedRequestClient extends TwilioRequestClient {
  readonly sentAt: number[] = [];

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    this.sentAt.push(Date.now());
    return super.request(opts);
  }
}

export interface SimTwilio {
  sim: Simulator;
  client: TwilioClient;
  http: TimedRequestClient;
  activities: TwilioActivities;
  close(): Promise<void>;
}

/** A listening simulator and the real twilio client pointed at it, as the worker builds it. */
export async function startSimTwilio(opts: { timeoutMs?: number } = {}): Promise<SimTwilio> {
  const sim = buildSimulator({ seed: 11, webhookTimeoutMs: 2000 });
  const base = await sim.start(0);
  const http = new TimedRequestClient({ baseUrl: base, ...opts });
  const client = twilio(sim.accountSid, sim.authToken, { httpClient: http });
  return {
    sim,
    client,
    http,
    activities: createTwilioActivities({ twilio: client }),
    // close() ends calls still ringing or in a conference; idle() would wait them out.
    close: () => sim.close(),
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
}

export async function waitUntil(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
