import { describe, expect, it } from 'vitest';
import {
  dialRouteOf,
  matchRoutes,
  resolveRoutes,
  routeProblem,
  type CarrierRoute,
} from '../../../src/routing/carrier-routes';
import { sipCredentialsFor } from '../../../src/routing/config';
import {
  assertDestination,
  checkDestination,
  InvalidDestinationError,
  routingKeyOf,
} from '../../../src/routing/destination';
import { usesCarrierRouting, withCarrierRoutes } from '../../../src/routing/ivr-routes';
import { validateIvr } from '../../../src/ivr/validate';
import { advanceIvr, startIvr, type IvrOutcome } from '../../../workflows/ivr/engine';
import type { IvrDefinition, TransferNode } from '../../../workflows/ivr/types';

const TRUNK = `BY${'a'.repeat(32)}`;

describe('destination checks', () => {
  it.each([
    ['+14155550100', 'number'],
    ['sip:alice@pbx.example.com', 'sip'],
    ['sips:alice@10.0.0.1:5061;transport=tls', 'sip'],
    ['sip:+14155550100@trunk.example.com?x-customer=42', 'sip'],
    ['client:operator', 'client'],
  ])('accepts %s as a %s', (value, kind) => {
    expect(checkDestination(value)).toEqual({ ok: true, kind, value });
  });

  it.each([
    ['4155550100', /must start with \+ and a country code/],
    ['+1 415 555 0100', /characters other than digits/],
    ['+0415555010', /no country code/],
    ['+1415', /has 4 digits; E.164 allows 7 to 15/],
    ['+1234567890123456', /has 16 digits/],
    ['sip:pbx.example.com', /no user part/],
    ['sip:alice@', /malformed/],
    ['sip:al ice@pbx.example.com', /whitespace/],
    ['sip:alice@pbx.example.com:70000', /port 70000/],
    ['client:', /Invalid client identity/],
  ])('refuses %s with a 21211-style reason', (value, reason) => {
    const check = checkDestination(value);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.code).toBe(21211);
      expect(check.message).toMatch(reason);
    }
    expect(() => assertDestination(value)).toThrow(InvalidDestinationError);
  });

  it('routes a SIP call by the number in its user part, else by its address', () => {
    expect(routingKeyOf('sip:+15005550006@switchboard.sip.twilio.com')).toBe('+15005550006');
    expect(routingKeyOf('sip:5005550006@switchboard.sip.twilio.com;transport=tls')).toBe(
      '+15005550006',
    );
    expect(routingKeyOf('sip:15005550006@switchboard.sip.twilio.com')).toBe('+15005550006');
    expect(routingKeyOf('sip:support@switchboard.sip.twilio.com')).toBe(
      'sip:support@switchboard.sip.twilio.com',
    );
    expect(routingKeyOf('+15005550006')).toBe('+15005550006');
  });
});

describe('carrier routes', () => {
  const table: CarrierRoute[] = [
    { prefix: '*', priority: 0, kind: 'pstn' },
    { prefix: '+44', priority: 0, kind: 'byoc', trunkSid: TRUNK },
    { prefix: '+44', priority: 1, kind: 'pstn' },
    { prefix: '+4420', priority: 0, kind: 'sip', target: 'sip:{number}@london.pbx.example.com' },
    { prefix: 'sip:support@', priority: 1, kind: 'pstn', target: '+15005550102' },
    { prefix: 'sip:support@', priority: 0, kind: 'sip' },
  ];

  it('picks the longest matching prefix, all its priorities in order, * last of all', () => {
    expect(matchRoutes(table, '+447700900123').map((r) => [r.prefix, r.priority])).toEqual([
      ['+44', 0],
      ['+44', 1],
    ]);
    expect(matchRoutes(table, '+442079460000').map((r) => r.prefix)).toEqual(['+4420']);
    expect(matchRoutes(table, '+14155550100').map((r) => r.prefix)).toEqual(['*']);
    expect(matchRoutes(table.slice(1), '+14155550100')).toEqual([]);
  });

  it('turns routes into what is dialed: BYOC numbers, SIP templates, a PSTN fallback for SIP', () => {
    expect(resolveRoutes(table, '+447700900123')).toEqual([
      { kind: 'number', to: '+447700900123', byoc: TRUNK },
      { kind: 'number', to: '+447700900123' },
    ]);
    expect(resolveRoutes(table, '+442079460000')).toEqual([
      { kind: 'sip', to: 'sip:+442079460000@london.pbx.example.com' },
    ]);
    expect(resolveRoutes(table, 'sip:support@switchboard-demo.sip.twilio.com')).toEqual([
      { kind: 'sip', to: 'sip:support@switchboard-demo.sip.twilio.com' },
      { kind: 'number', to: '+15005550102' },
    ]);
    // A PSTN route has nothing to dial for a SIP destination without a target number.
    expect(dialRouteOf({ prefix: '*', priority: 0, kind: 'pstn' }, 'sip:a@b.example.com')).toBe(
      undefined,
    );
  });

  it('refuses routes it could not dial', () => {
    expect(routeProblem({ prefix: '44', priority: 0, kind: 'pstn' })).toMatch(/prefix/);
    expect(routeProblem({ prefix: '+44', priority: 10, kind: 'pstn' })).toMatch(/priority/);
    expect(routeProblem({ prefix: '+44', priority: 0, kind: 'byoc' })).toMatch(/--trunk/);
    expect(routeProblem({ prefix: '+44', priority: 0, kind: 'pstn', trunkSid: TRUNK })).toMatch(
      /only byoc/,
    );
    expect(
      routeProblem({ prefix: '+44', priority: 0, kind: 'sip', target: 'pbx.example.com' }),
    ).toMatch(/target: Invalid SIP URI/);
    expect(routeProblem({ prefix: '+44', priority: 0, kind: 'pstn', target: '0207' })).toMatch(
      /target: Invalid 'To' Phone Number/,
    );
    for (const r of table) expect(routeProblem(r)).toBeUndefined();
  });

  it('gives SIP credentials only to the configured hosts', () => {
    const config = {
      SIP_AUTH_USERNAME: 'switchboard',
      SIP_AUTH_PASSWORD: 's3cret',
      SIP_AUTH_DOMAINS: ['pbx.example.com'],
    };
    expect(sipCredentialsFor(config, 'sip:kate@pbx.example.com;transport=tcp')).toEqual({
      username: 'switchboard',
      password: 's3cret',
    });
    expect(sipCredentialsFor(config, 'sip:kate@other.example.com')).toBeUndefined();
    expect(sipCredentialsFor({ ...config, SIP_AUTH_DOMAINS: [] }, 'sip:x@any.example')).toEqual({
      username: 'switchboard',
      password: 's3cret',
    });
    expect(sipCredentialsFor({ ...config, SIP_AUTH_PASSWORD: '' }, 'sip:x@pbx.example.com')).toBe(
      undefined,
    );
  });
});

describe('a routed transfer in the IVR engine', () => {
  const ivr: IvrDefinition = validateIvr({
    id: 'routed',
    version: 1,
    name: 'routed',
    timeZone: 'UTC',
    voice: {},
    start: 'support',
    nodes: {
      support: {
        type: 'transfer',
        prompt: [{ say: 'Connecting you.' }],
        target: { kind: 'sip', to: 'sip:support@pbx.example.com' },
        carrierRouting: true,
        onNoAnswer: 'voicemail',
      },
      voicemail: {
        type: 'voicemail',
        prompt: [{ say: 'Leave a message.' }],
        maxLengthSeconds: 60,
        thanks: [{ say: 'Thanks.' }],
      },
    },
  });
  const now = new Date('2026-03-04T15:00:00Z');
  const dialOf = (o: IvrOutcome) => o.plan.verbs.find((v) => v.verb === 'dial');

  it('without routes (nothing matched, or any IVR before carrier routing) dials its target', async () => {
    const same = await withCarrierRoutes(ivr, () => Promise.resolve([]));
    expect(same.nodes.support).toEqual(ivr.nodes.support);
    const out = startIvr(same, now);
    expect(dialOf(out)).toMatchObject({
      target: { kind: 'sip', to: 'sip:support@pbx.example.com' },
    });
    const failed = advanceIvr(
      same,
      out.state,
      { kind: 'dial', status: 'failed', sipResponseCode: 503 },
      now,
    );
    expect(failed.state.node).toBe('voicemail');
  });

  it('falls back route by route on 503, busy or a SIP error, and not on no-answer', async () => {
    const routed = await withCarrierRoutes(ivr, () =>
      Promise.resolve([
        { prefix: 'sip:support@', priority: 0, kind: 'sip' },
        {
          prefix: 'sip:support@',
          priority: 1,
          kind: 'byoc',
          trunkSid: TRUNK,
          target: '+15005550102',
        },
        { prefix: 'sip:support@', priority: 2, kind: 'pstn', target: '+15005550103' },
      ] satisfies CarrierRoute[]),
    );
    expect(usesCarrierRouting(ivr)).toBe(true);
    expect(usesCarrierRouting(routed)).toBe(false);
    expect(ivr.nodes.support).not.toHaveProperty('routes');
    expect(validateIvr(routed)).toEqual(routed);
    const first = startIvr(routed, now);
    expect(dialOf(first)).toMatchObject({
      target: { kind: 'sip', to: 'sip:support@pbx.example.com' },
    });
    const second = advanceIvr(
      routed,
      first.state,
      { kind: 'dial', status: 'failed', sipResponseCode: 503 },
      now,
    );
    expect(second.effects).toEqual([
      {
        kind: 'transfer-fallback',
        node: 'support',
        status: 'failed',
        sipResponseCode: 503,
        route: 1,
      },
    ]);
    expect(second.plan.verbs).toEqual([
      expect.objectContaining({
        verb: 'dial',
        target: { kind: 'number', to: '+15005550102', byoc: TRUNK },
      }),
    ]);
    // 480 reports no-answer, but it is the far end's SIP error: the next route is tried.
    const third = advanceIvr(
      routed,
      second.state,
      { kind: 'dial', status: 'no-answer', sipResponseCode: 480 },
      now,
    );
    expect(dialOf(third)).toMatchObject({ target: { kind: 'number', to: '+15005550103' } });
    // The last route failing goes where a failed transfer always went.
    const last = advanceIvr(routed, third.state, { kind: 'dial', status: 'busy' }, now);
    expect(last.state.node).toBe('voicemail');
    // No answer (Twilio's own timeout, 487) is not a carrier failure.
    const timeout = advanceIvr(
      routed,
      first.state,
      { kind: 'dial', status: 'no-answer', sipResponseCode: 487 },
      now,
    );
    expect(timeout.state.node).toBe('voicemail');
    const answered = advanceIvr(
      routed,
      first.state,
      { kind: 'dial', status: 'completed', sipResponseCode: 200 },
      now,
    );
    expect(answered.state.ended).toBe(true);
    expect((routed.nodes.support as TransferNode).routes).toHaveLength(3);
  });
});
