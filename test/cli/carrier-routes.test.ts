import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { carrierRouteCommands } from '../../src/cli/carrier-route-commands';
import type { Db } from '../../src/db/pool';
import {
  carrierRoutesFor,
  listCarrierRoutes,
  putCarrierRoute,
} from '../../src/routing/route-store';
import { runCli } from '../helpers/cli';
import { testDb } from '../helpers/env';

const TRUNK = `BY${'b'.repeat(32)}`;

/** `npm run cli -- carrier-routes …` and the route table, against the test database. */
describe('carrier routes in PostgreSQL', () => {
  let db: Db;
  beforeAll(() => {
    db = testDb();
  });
  afterAll(() => db?.end());
  beforeEach(() => db.query('DELETE FROM carrier_routes'));
  afterEach(() => vi.restoreAllMocks());

  const cli = (...args: string[]): Promise<string> =>
    runCli(carrierRouteCommands, 'carrier-routes', args);

  it('adds, lists, resolves by longest prefix and removes', async () => {
    expect(await cli('list')).toBe('no carrier routes: transfers dial their targets');
    expect(
      await cli(
        'add',
        '--prefix',
        '+1500555',
        '--kind',
        'byoc',
        '--trunk',
        TRUNK,
        '--description',
        'carrier A',
      ),
    ).toBe(`route +1500555 #0: byoc via ${TRUNK}`);
    await cli('add', '--prefix', '+1500555', '--kind', 'pstn', '--priority', '1');
    await cli('add', '--prefix', '+1', '--kind', 'pstn');
    await cli('add', '--prefix', 'sip:support@', '--kind', 'sip');
    await cli(
      'add',
      '--prefix',
      'sip:support@',
      '--kind',
      'pstn',
      '--priority',
      '1',
      '--target',
      '+15005550102',
    );

    const listed = await cli('list');
    expect(listed.split('\n')[0]).toMatch(
      /^PREFIX\s+PRIORITY\s+KIND\s+TRUNK\s+TARGET\s+DESCRIPTION$/,
    );
    expect(listed).toContain('carrier A');
    expect(listed).not.toContain('+15005550102'); // numbers are masked in output

    expect((await carrierRoutesFor(db, '+15005550101')).map((r) => [r.kind, r.priority])).toEqual([
      ['byoc', 0],
      ['pstn', 1],
    ]);
    expect((await carrierRoutesFor(db, '+14155550100')).map((r) => r.prefix)).toEqual(['+1']);
    expect(await carrierRoutesFor(db, '+447700900123')).toEqual([]);
    // LIKE-style characters in a destination are not wildcards.
    expect(await carrierRoutesFor(db, 'sip:support_x@pbx')).toEqual([]);

    const resolved = await cli('resolve', 'sip:support@switchboard-demo.sip.twilio.com');
    expect(resolved).toContain('prefix sip:support@');
    expect(resolved).toMatch(/1\s+sip\s+sip:support@switchboard-demo\.sip\.twilio\.com\s+SIP/);
    expect(resolved).toMatch(/2\s+pstn\s+\+1500\*+102\s+Twilio/);

    expect(await cli('remove', '+1500555', '--priority', '1')).toBe('removed 1 route of +1500555');
    expect(await cli('remove', 'sip:support@')).toBe('removed 2 routes of sip:support@');
    await expect(cli('remove', '+99')).rejects.toThrow('no route with prefix +99');
    expect((await listCarrierRoutes(db)).map((r) => r.prefix)).toEqual(['+1', '+1500555']);
  });

  it('replaces a route at the same prefix and priority, and refuses invalid ones before storing', async () => {
    await putCarrierRoute(db, { prefix: '+44', priority: 0, kind: 'pstn' });
    await putCarrierRoute(db, { prefix: '+44', priority: 0, kind: 'byoc', trunkSid: TRUNK });
    expect(await listCarrierRoutes(db)).toEqual([
      expect.objectContaining({ prefix: '+44', kind: 'byoc', trunkSid: TRUNK }),
    ]);
    await expect(cli('add', '--prefix', '+44', '--kind', 'byoc')).rejects.toThrow(/--trunk BY/);
    await expect(cli('add', '--prefix', '44', '--kind', 'pstn')).rejects.toThrow(/prefix "44"/);
    await expect(
      cli(
        'add',
        '--prefix',
        '+44',
        '--kind',
        'sip',
        '--target',
        'pbx.example.com',
        '--priority',
        '1',
      ),
    ).rejects.toThrow(/Invalid SIP URI/);
    await expect(
      cli('add', '--prefix', '+44', '--kind', 'pstn', '--priority', 'x'),
    ).rejects.toThrow(/whole number/);
    // The table's own checks hold even for a write that skips the module.
    await expect(
      db.query(`INSERT INTO carrier_routes (prefix, priority, kind) VALUES ('+33', 0, 'byoc')`),
    ).rejects.toThrow(/check constraint/);
    expect(await listCarrierRoutes(db)).toHaveLength(1);
  });
});
