import { afterEach, describe, expect, it } from 'vitest';
import { AUTH_TOKEN } from '../helpers/env';
import {
  CALL_SID,
  CALLED,
  CALLER,
  FORM,
  encodeForm,
  harness,
  inboundParams,
  sign,
  signedPost,
  type Harness,
} from '../server/harness';
import { sampleValue } from './scrape';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const WF = `call-${CALL_SID}`;
const eventPath = `/voice/event?wf=${WF}&step=4.main&on=gather`;

async function scrape(): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
}

const count = (text: string, labels: Record<string, string>): number =>
  sampleValue(text, 'switchboard_webhook_duration_seconds_count', labels) ?? 0;

describe('GET /metrics on the webhook server', () => {
  it('observes a webhook by route template, mode and status class, and leaks no caller data', async () => {
    h = await harness();
    const labels = { route: '/voice/inbound', mode: 'update', status: '2xx' };
    const before = count(await scrape(), labels);
    const res = await h.app.inject(signedPost(h, '/voice/inbound', inboundParams()));
    expect(res.statusCode).toBe(200);
    const text = await scrape();
    expect(count(text, labels)).toBe(before + 1);
    expect(
      sampleValue(text, 'switchboard_webhook_duration_seconds_bucket', { ...labels, le: '+Inf' }),
    ).toBe(before + 1);
    for (const secret of [CALLER, CALLED, CALL_SID, CALLER.slice(1)]) {
      expect(text).not.toContain(secret);
    }
    // Scrapes are GETs and stay out of the webhook histogram.
    expect(text).not.toContain('route="/metrics"');
  });

  it('labels the configured mode on the first webhook', async () => {
    h = await harness({ WEBHOOK_MODE: 'journal' });
    await h.app.inject(signedPost(h, '/voice/inbound', inboundParams()));
    const text = await scrape();
    expect(
      count(text, { route: '/voice/inbound', mode: 'journal', status: '2xx' }),
    ).toBeGreaterThan(0);
  });

  it('counts a forced fallback on its route', async () => {
    h = await harness({ WEBHOOK_UPDATE_BUDGET_MS: '100' });
    h.temporal.onUpdate = () => new Promise<never>(() => undefined);
    const fallbacks = (text: string): number =>
      sampleValue(text, 'switchboard_webhook_fallbacks_total', { route: '/voice/event' }) ?? 0;
    const before = fallbacks(await scrape());
    const res = await h.app.inject(signedPost(h, eventPath, { CallSid: CALL_SID, Digits: '2' }));
    expect(res.headers['x-switchboard-fallback']).toBe('1');
    const text = await scrape();
    expect(fallbacks(text)).toBe(before + 1);
    expect(count(text, { route: '/voice/event', mode: 'update', status: '2xx' })).toBeGreaterThan(
      0,
    );
    // The digits the caller pressed never reach a label.
    expect(text).not.toMatch(/Digits|digits="/);
  });

  it('counts signature rejections by reason', async () => {
    h = await harness();
    const reasons = ['missing', 'malformed', 'mismatch'] as const;
    const rejections = (text: string): number[] =>
      reasons.map(
        (reason) => sampleValue(text, 'switchboard_signature_rejections_total', { reason }) ?? 0,
      );
    const before = rejections(await scrape());
    const params = inboundParams();
    const post = (signature?: string) =>
      h.app.inject({
        method: 'POST',
        url: '/voice/inbound',
        payload: encodeForm(params),
        headers: {
          'content-type': FORM,
          ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
        },
      });
    const url = `${h.config.PUBLIC_BASE_URL}/voice/inbound`;
    expect((await post()).statusCode).toBe(403);
    expect((await post('not-a-signature')).statusCode).toBe(403);
    expect((await post(sign(url, params, `${AUTH_TOKEN}-rotated`))).statusCode).toBe(403);
    const text = await scrape();
    expect(rejections(text)).toEqual(before.map((n) => n + 1));
    expect(count(text, { route: '/voice/inbound', mode: 'update', status: '4xx' })).toBeGreaterThan(
      2,
    );
  });

  it('labels a request no route matched as unmatched, not by its URL', async () => {
    h = await harness();
    await h.app.inject({ method: 'POST', url: `/voice/nowhere?CallSid=${CALL_SID}` });
    const text = await scrape();
    expect(count(text, { route: 'unmatched', mode: 'none', status: '4xx' })).toBeGreaterThan(0);
    expect(text).not.toContain('nowhere');
  });
});
