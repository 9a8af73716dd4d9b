import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact } from '../../src/campaign/contacts';
import { cancelCampaignUpdate, type CampaignSettings } from '../../workflows/campaign/definitions';
import { attemptStatusQuery, type AttemptStatus } from '../../workflows/attempt/definitions';
import { attemptWorkflowId } from '../../workflows/shared/ids';
import { CampaignStack } from '../helpers/campaign-stack';
import { loadIvr } from '../helpers/env';
import { callsTo, contact, run, until } from './helpers';

let stack: CampaignStack;

const WINDOW = { start: '08:00', end: '21:00' };
const NEW_YORK = 'America/New_York';

/** The callee's wall clock ("HH:MM:SS") at an instant. */
function wallClock(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(epochMs);
}

/**
 * A campaign rehearsed at `at` (an instant with its UTC offset): the real stack (Temporal, the
 * simulator, the workers) runs on today's clock, while every window decision sees `at` onwards.
 */
async function rehearse(at: string, contacts: Contact[], s: Partial<CampaignSettings> = {}) {
  const offset = Date.parse(at) - Date.now();
  const started = await run(stack, contacts, { window: WINDOW, rehearsalOffsetMs: offset, ...s });
  return { ...started, offset };
}

async function attemptStatus(campaignId: string): Promise<AttemptStatus | undefined> {
  try {
    const handle = stack.client.workflow.getHandle(attemptWorkflowId(campaignId, 1));
    return await handle.query(attemptStatusQuery);
  } catch {
    return undefined;
  }
}

async function waitingUntil(campaignId: string): Promise<number> {
  let status: AttemptStatus | undefined;
  await until(async () => {
    status = await attemptStatus(campaignId);
    return status?.phase === 'waiting for the calling window';
  }, 'the attempt to wait for the window');
  return status?.waitingUntil as number;
}

describe('calling windows in the callee’s local time, across DST (rehearsed)', () => {
  beforeAll(async () => {
    stack = await CampaignStack.start(loadIvr('test-line'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('spring forward (New York, 2027-03-14): closed at 07:59:52 EDT, dialed at 08:00 EDT, not an hour later', async () => {
    const phone = '+12125550501';
    stack.sim.setParty(phone, { answer: 'answer', gathers: [{ digits: '0' }] });
    const { campaignId, handle, offset } = await rehearse('2027-03-14T07:59:52-04:00', [
      contact(phone, { timeZone: NEW_YORK }),
    ]);
    const until8 = await waitingUntil(campaignId);
    expect(wallClock(until8 + offset, NEW_YORK)).toBe('08:00:00');
    // An EST offset (the day's first) would put the opening an hour later.
    expect(until8 - Date.now()).toBeLessThan(10_000);
    expect(callsTo(stack, phone)).toHaveLength(0);
    const result = await handle.result();
    expect(result.progress).toMatchObject({ answered: 1, dialed: 1 });
    const [call] = callsTo(stack, phone);
    const local = wallClock((call?.dateCreated.getTime() ?? 0) + offset, NEW_YORK);
    expect(local >= '08:00:00' && local < '08:00:10').toBe(true);
  });

  it('fall back (New York, 2027-11-07): at 07:59:52 EST the window is still closed, dialed at 08:00 EST', async () => {
    const phone = '+12125550502';
    stack.sim.setParty(phone, { answer: 'answer', gathers: [{ digits: '0' }] });
    // With the day's first offset (EDT) it would read 08:59:52 and dial at once, an hour early.
    const { campaignId, handle, offset } = await rehearse('2027-11-07T07:59:52-05:00', [
      contact(phone, { timeZone: NEW_YORK }),
    ]);
    const until8 = await waitingUntil(campaignId);
    expect(wallClock(until8 + offset, NEW_YORK)).toBe('08:00:00');
    expect(callsTo(stack, phone)).toHaveLength(0);
    await handle.result();
    const [call] = callsTo(stack, phone);
    const local = wallClock((call?.dateCreated.getTime() ?? 0) + offset, NEW_YORK);
    expect(local >= '08:00:00' && local < '08:00:10').toBe(true);
  });

  it('closed overnight across the spring-forward night: waits 9 h 59 min 55 s (a 24 h clock would say 10 h 59)', async () => {
    const phone = '+12125550503';
    stack.sim.setParty(phone, { answer: 'answer', gathers: [{ digits: '0' }] });
    const { campaignId, handle } = await rehearse('2027-03-13T21:00:05-05:00', [
      contact(phone, { timeZone: NEW_YORK }),
    ]);
    const opening = await waitingUntil(campaignId);
    const wait = opening - Date.now();
    const expected =
      Date.parse('2027-03-14T08:00:00-04:00') - Date.parse('2027-03-13T21:00:05-05:00');
    expect(expected).toBe((9 * 3600 + 59 * 60 + 55) * 1000);
    expect(Math.abs(wait - expected)).toBeLessThan(10_000);
    expect((await handle.executeUpdate(cancelCampaignUpdate)).state).toBe('canceled');
    const result = await handle.result();
    expect(result.progress).toMatchObject({ canceled: 1, dialed: 0 });
    expect(callsTo(stack, phone)).toHaveLength(0);
  });

  it('a half-hour zone on the other side of the world: Adelaide at 07:59:55 ACDT waits, then dials', async () => {
    const phone = '+61885550504';
    const zone = 'Australia/Adelaide';
    stack.sim.setParty(phone, { answer: 'answer', gathers: [{ digits: '0' }] });
    // 2027-04-04 is Adelaide's fall-back day (03:00 ACDT becomes 02:00 ACST).
    const { campaignId, handle, offset } = await rehearse('2027-04-04T07:59:55+09:30', [
      contact(phone, { timeZone: zone }),
    ]);
    const opening = await waitingUntil(campaignId);
    expect(wallClock(opening + offset, zone)).toBe('08:00:00');
    await handle.result();
    const [call] = callsTo(stack, phone);
    const local = wallClock((call?.dateCreated.getTime() ?? 0) + offset, zone);
    expect(local >= '08:00:00' && local < '08:00:10').toBe(true);
  });
});
