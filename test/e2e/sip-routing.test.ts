import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IvrRegistry } from '../../src/ivr/registry';
import { validateIvr } from '../../src/ivr/validate';
import { putCarrierRoute } from '../../src/routing/route-store';
import { buildSimulator, type CallRun, type Simulator } from '../../src/sim';
import type { IvrDefinition } from '../../workflows/ivr/types';
import { ACCOUNT_SID, AUTH_TOKEN } from '../helpers/env';
import { LiveStack } from '../helpers/live-stack';

/** The demo IVR as shipped, open around the clock so the test does not depend on the hour. */
function demoAlwaysOpen(): IvrDefinition {
  const file = path.resolve(__dirname, '../../ivrs/demo.json');
  const demo = JSON.parse(readFileSync(file, 'utf8')) as IvrDefinition;
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  demo.nodes.hours = {
    type: 'hours',
    open: [{ days: [...days], from: '00:00', to: '24:00' }],
    whenOpen: 'main',
    whenClosed: 'closed',
  };
  return validateIvr(demo);
}

const LINE = '+15005550006';
const SUPPORT_SIP = 'sip:support@switchboard-demo.sip.twilio.com';
const SUPPORT_PSTN = '+15005550102';
const SALES = '+15005550101';

describe('SIP, BYOC and carrier routing end to end through the simulator', () => {
  let stack: LiveStack;
  let sim: Simulator;

  beforeAll(async () => {
    // Only the number route: a SIP call must be routed by the number in its To.
    stack = await LiveStack.start(IvrRegistry.fromDefinitions({ [LINE]: demoAlwaysOpen() }), {
      CALL_LINGER_SECONDS: '1',
      SIP_AUTH_USERNAME: 'switchboard',
      SIP_AUTH_PASSWORD: 'demo-secret',
      SIP_AUTH_DOMAINS: 'switchboard-demo.sip.twilio.com',
    });
    sim = buildSimulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, seed: 43 });
    await sim.start(0);
  });

  beforeEach(() => stack.db.query('DELETE FROM carrier_routes'));

  afterAll(async () => {
    await sim?.close();
    await stack?.stop();
  });

  /** Consent yes (1), then a menu choice. */
  const call = (
    choice: string,
    from = 'sip:alice@customer.example.com',
    to = `sip:${LINE}@switchboard.sip.twilio.com`,
  ): Promise<CallRun> =>
    sim.placeInboundCall({
      to,
      from,
      voiceUrl: `${stack.baseUrl}/voice/inbound`,
      statusCallback: `${stack.baseUrl}/voice/status`,
      statusCallbackEvents: ['initiated', 'ringing', 'answered', 'completed'],
      script: { gathers: [{ digits: '1' }, { digits: choice }] },
    });

  const legs = (run: CallRun): [string, string][] =>
    run.transcript
      .of('leg')
      .filter((l) => l.status !== 'queued' && l.status !== 'in-progress')
      .map((l) => [l.to, l.status]);

  async function ivrEvents(
    callSid: string,
  ): Promise<{ kind: string; detail: Record<string, unknown> }[]> {
    await stack.callResult(callSid);
    const { rows } = await stack.db.query<{ kind: string; detail: Record<string, unknown> }>(
      `SELECT kind, detail FROM call_events WHERE call_sid = $1 AND kind LIKE 'ivr.transfer%' ORDER BY id`,
      [callSid],
    );
    return rows;
  }

  it('a SIP inbound call is routed through the IVR; support over SIP falls back to PSTN on 503', async () => {
    await putCarrierRoute(stack.db, { prefix: 'sip:support@', priority: 0, kind: 'sip' });
    await putCarrierRoute(stack.db, {
      prefix: 'sip:support@',
      priority: 1,
      kind: 'pstn',
      target: SUPPORT_PSTN,
    });
    sim.setParty(SUPPORT_SIP, { sipResponseCode: 503 });
    sim.setParty(SUPPORT_PSTN, { answer: 'answer', talkSeconds: 4 });
    const run = await call('2');
    expect(run.status).toBe('completed');
    const heard = run.transcript.of('say').map((s) => s.text);
    expect(heard).toContain('Thanks for calling the Switchboard demo line.');
    expect(heard.filter((t) => t === 'Connecting you to support.')).toHaveLength(1);
    expect(legs(run)).toEqual([
      [SUPPORT_SIP, 'failed'],
      [SUPPORT_PSTN, 'completed'],
    ]);
    const dials = run.transcript.of('request').filter((r) => r.params.DialCallStatus);
    expect(dials.map((r) => [r.params.DialCallStatus, r.params.DialSipResponseCode])).toEqual([
      ['failed', '503'],
      ['completed', undefined],
    ]);
    expect(await ivrEvents(run.callSid)).toEqual([
      {
        kind: 'ivr.transfer-fallback',
        detail: {
          kind: 'transfer-fallback',
          node: 'support',
          status: 'failed',
          sipResponseCode: 503,
          route: 1,
        },
      },
      {
        kind: 'ivr.transfer-ended',
        detail: { kind: 'transfer-ended', node: 'support', status: 'completed' },
      },
    ]);
    const { rows } = await stack.db.query<{ from_number: string; to_number: string }>(
      'SELECT * FROM calls WHERE call_sid = $1',
      [run.callSid],
    );
    expect(rows).toHaveLength(1);
  });

  it('dials a SIP destination with the configured credentials', async () => {
    sim.setParty(SUPPORT_SIP, {
      answer: 'answer',
      talkSeconds: 3,
      sipAuth: { username: 'switchboard', password: 'demo-secret' },
    });
    const run = await call('2', '+14155550100', LINE);
    expect(legs(run)).toEqual([[SUPPORT_SIP, 'completed']]);
    const dial = run.transcript.of('request').find((r) => r.params.DialCallStatus);
    expect(dial?.params).toMatchObject({ DialCallStatus: 'completed', DialSipResponseCode: '200' });
    expect(await ivrEvents(run.callSid)).toEqual([
      {
        kind: 'ivr.transfer-ended',
        detail: { kind: 'transfer-ended', node: 'support', status: 'completed' },
      },
    ]);
  });

  it('a BYOC route whose carrier answers 503 falls back to Twilio PSTN', async () => {
    const trunk = sim.addByocTrunk({ friendlyName: 'carrier-a', sipResponseCode: 503 });
    await putCarrierRoute(stack.db, {
      prefix: '+1500555',
      priority: 0,
      kind: 'byoc',
      trunkSid: trunk.sid,
    });
    await putCarrierRoute(stack.db, { prefix: '+1500555', priority: 1, kind: 'pstn' });
    sim.setParty(SALES, { answer: 'answer', talkSeconds: 3 });
    const run = await call('1', '+14155550100', LINE);
    expect(run.status).toBe('completed');
    expect(legs(run)).toEqual([
      [SALES, 'failed'],
      [SALES, 'completed'],
    ]);
    const viaTrunk = [...sim.core.store.calls.values()].filter(
      (c) => c.parentCallSid === run.callSid,
    );
    expect(viaTrunk.map((c) => [c.trunkSid ?? null, c.status])).toEqual([
      [trunk.sid, 'failed'],
      [null, 'completed'],
    ]);
    const events = await ivrEvents(run.callSid);
    expect(events.map((e) => e.kind)).toEqual(['ivr.transfer-fallback', 'ivr.transfer-ended']);
  });
});
