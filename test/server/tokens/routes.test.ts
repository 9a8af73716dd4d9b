import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenKeys } from '../../../src/server/tokens/keys';
import { ACCOUNT_SID, AUTH_TOKEN } from '../../helpers/env';
import { CALL_SID, FORM, encodeForm, harness, inboundParams, sign, type Harness } from '../harness';
import { MARK, forgedReplay, forgedStep, padding, reachedTemporalOrDb } from './arbitraries';

/**
 * Issue 10 through the voice routes, in both webhook modes: a captured signature never covers a
 * padded URL, and a token the server did not mint for this call, step and time is never acted on.
 */
let update: Harness;
let journal: Harness;
beforeAll(async () => {
  update = await harness();
  journal = await harness({ WEBHOOK_MODE: 'journal' });
});
afterAll(async () => {
  await update?.app.close();
  await journal?.app.close();
});

const keys = tokenKeys(AUTH_TOKEN);
const WF = `call-${CALL_SID}`;
const routes = fc.constantFrom(
  { path: '/voice/inbound', params: inboundParams() },
  {
    path: `/voice/event?wf=${WF}&step=1.main&on=gather`,
    params: { CallSid: CALL_SID, AccountSid: ACCOUNT_SID, Digits: '1' },
  },
);
const mode = fc.constantFrom('update', 'journal').map((m) => (m === 'update' ? update : journal));

async function post(target: Harness, url: string, params: Record<string, string>, signed = url) {
  const options: InjectOptions = {
    method: 'POST',
    url,
    payload: encodeForm(params),
    headers: {
      'content-type': FORM,
      'x-twilio-signature': sign(`${target.config.PUBLIC_BASE_URL}${signed}`, params),
    },
  };
  const res = await target.app.inject(options);
  expect(res.statusCode, res.body).toBeLessThan(500);
  return res.statusCode;
}

describe('tokens through the voice routes', () => {
  it('refuses a captured request resent with a padded query, whatever is appended', async () => {
    await fc.assert(
      fc.asyncProperty(
        routes,
        padding(keys).filter((p) => p !== undefined),
        mode,
        async ({ path, params }, pad, target) => {
          const since = reachedTemporalOrDb.mark(target);
          const sep = path.includes('?') ? '' : '?';
          const url = `${path}${sep}${'&'.repeat(pad.count)}&${pad.appended}`;
          expect([400, 403]).toContain(await post(target, url, params, path));
          expect(reachedTemporalOrDb.since(target, since)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never acts on a forged, misbound or stale token, even in a URL Twilio signed', async () => {
    await fc.assert(
      fc.asyncProperty(
        routes,
        fc.oneof(
          forgedReplay(keys).map((t) => `replay=${t}`),
          forgedStep(keys).map((t) => `st=${t}`),
        ),
        mode,
        async ({ path, params }, token, target) => {
          const since = reachedTemporalOrDb.mark(target);
          await post(target, `${path}${path.includes('?') ? '&' : '?'}${token}`, params);
          // The request may go on with its own signed input; the token's content never goes on.
          reachedTemporalOrDb.assertClean(target, since);
          expect(JSON.stringify(reachedTemporalOrDb.since(target, since))).not.toContain(MARK);
        },
      ),
      { numRuns: 300 },
    );
  });
});
