import { randomBytes } from 'node:crypto';
import http from 'node:http';
import twilio from 'twilio';

export interface CallerOptions {
  baseUrl: string;
  /** The URL prefix Twilio would sign (PUBLIC_BASE_URL); requests go to baseUrl. */
  publicBaseUrl: string;
  authToken: string;
  accountSid: string;
  pauseMs: number;
}

export interface Sample {
  ms: number;
  ok: boolean;
  fallback: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One keep-alive agent for every caller. Node's own http client spends less CPU per request than
 * fetch does, so the load generator takes less of the box it shares with what it measures.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

interface Answer {
  status: number;
  fallback: boolean;
  body: string;
}

function send(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            fallback: res.headers['x-switchboard-fallback'] === '1',
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts a form the way Twilio does, signed, and measures the answer. */
async function post(
  opts: CallerOptions,
  pathAndQuery: string,
  params: Record<string, string>,
): Promise<{ sample: Sample; body: string }> {
  const signature = twilio.getExpectedTwilioSignature(
    opts.authToken,
    `${opts.publicBaseUrl}${pathAndQuery}`,
    params,
  );
  const started = performance.now();
  try {
    const res = await send(
      `${opts.baseUrl}${pathAndQuery}`,
      {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'i-twilio-idempotency-token': randomBytes(12).toString('hex'),
      },
      new URLSearchParams(params).toString(),
    );
    const ms = performance.now() - started;
    return { sample: { ms, ok: res.status < 300, fallback: res.fallback }, body: res.body };
  } catch {
    return { sample: { ms: performance.now() - started, ok: false, fallback: false }, body: '' };
  }
}

function actionOf(twiml: string): string | undefined {
  const match = /action="([^"]+)"/.exec(twiml);
  return match?.[1]?.replace(/&amp;/g, '&');
}

/** One caller through a three-step IVR: answer → press 1 → transfer answered → goodbye. */
export async function placeCall(opts: CallerOptions, samples: Sample[]): Promise<boolean> {
  const callSid = 'CA' + randomBytes(16).toString('hex');
  const base = {
    CallSid: callSid,
    AccountSid: opts.accountSid,
    From: '+14155550100',
    To: '+15005550006',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  };
  const status = (seq: number, callStatus: string): Promise<unknown> =>
    post(opts, '/voice/status', {
      ...base,
      CallStatus: callStatus,
      SequenceNumber: String(seq),
      CallbackSource: 'call-progress-events',
    });

  // Whatever the caller heard, the call ends with Twilio's final status, as a real one does.
  try {
    return await converse(opts, base, samples, status);
  } finally {
    await status(1, 'completed');
  }
}

async function converse(
  opts: CallerOptions,
  base: Record<string, string>,
  samples: Sample[],
  status: (seq: number, callStatus: string) => Promise<unknown>,
): Promise<boolean> {
  const first = await post(opts, '/voice/inbound', { ...base, CallStatus: 'ringing' });
  samples.push(first.sample);
  const gatherAction = actionOf(first.body);
  if (!first.sample.ok || !gatherAction) return false;
  await status(0, 'in-progress');
  await sleep(opts.pauseMs);

  const second = await post(opts, gatherAction.slice(opts.publicBaseUrl.length), {
    ...base,
    CallStatus: 'in-progress',
    Digits: '1',
  });
  samples.push(second.sample);
  const dialAction = actionOf(second.body);
  if (!second.sample.ok || !dialAction) return false;
  await sleep(opts.pauseMs);

  const third = await post(opts, dialAction.slice(opts.publicBaseUrl.length), {
    ...base,
    CallStatus: 'in-progress',
    DialCallStatus: 'completed',
    DialCallDuration: '12',
  });
  samples.push(third.sample);
  return third.sample.ok && third.body.includes('<Hangup');
}
