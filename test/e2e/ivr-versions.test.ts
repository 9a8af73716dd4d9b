import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IvrRegistry } from '../../src/ivr/registry';
import { routeNumber, saveIvr } from '../../src/ivr/store';
import { buildSimulator, type Simulator } from '../../src/sim';
import { ACCOUNT_SID, AUTH_TOKEN, loadIvr } from '../helpers/env';
import { LiveStack } from '../helpers/live-stack';

const NUMBER = '+15005550077';
let stack: LiveStack;
let sim: Simulator;
let registry: IvrRegistry;

beforeAll(async () => {
  registry = new IvrRegistry();
  stack = await LiveStack.start(registry);
  const v1 = { ...loadIvr('test-line'), id: 'versioned-line', version: 1 };
  await saveIvr(stack.db, v1);
  await routeNumber(stack.db, NUMBER, 'versioned-line');
  await registry.refresh(stack.db);
  sim = buildSimulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, seed: 3 });
  await sim.start(0);
});

afterAll(async () => {
  await sim?.close();
  await stack?.stop();
});

describe('IVR versions', () => {
  it('a call in flight keeps the version it started with; new calls get the new one', async () => {
    sim.setParty('+15005550101', { answer: 'answer' });
    let edited: Promise<void> | undefined;
    const v2 = { ...loadIvr('test-line'), id: 'versioned-line', version: 2 };
    const sales = v2.nodes.sales;
    if (sales?.type !== 'transfer') throw new Error('test-line has a sales transfer');
    v2.nodes = { ...v2.nodes, sales: { ...sales, prompt: [{ say: 'Version two sales.' }] } };
    const first = sim.startInboundCall({
      to: NUMBER,
      from: '+14155550100',
      voiceUrl: `${stack.baseUrl}/voice/inbound`,
      script: { gathers: [{ digits: '1' }] },
      onEntry: (entry) => {
        // The IVR is edited while the caller listens to the menu.
        if (entry.type === 'input' && !edited) {
          edited = saveIvr(stack.db, v2).then(() => registry.refresh(stack.db));
        }
      },
    });
    const run = await first.result;
    await edited;
    const said = run.transcript.of('say').map((s) => s.text);
    expect(said).toContain('Connecting you to sales.');
    expect(said).not.toContain('Version two sales.');

    const next = await sim.placeInboundCall({
      to: NUMBER,
      from: '+14155550100',
      voiceUrl: `${stack.baseUrl}/voice/inbound`,
      script: { gathers: [{ digits: '1' }] },
    });
    expect(next.transcript.of('say').map((s) => s.text)).toContain('Version two sales.');
  });

  it('an invalid stored definition is never served; the last valid one stays', async () => {
    await stack.db.query(
      `INSERT INTO ivr_definitions (ivr_id, version, name, definition) VALUES ('versioned-line', 99, 'broken', $1)`,
      [JSON.stringify({ id: 'versioned-line', version: 99, start: 'nowhere' })],
    );
    const invalid: string[] = [];
    await registry.refresh(stack.db, (id) => invalid.push(id));
    expect(invalid).toEqual(['versioned-line']);
    expect(registry.resolve(NUMBER)?.version).toBe(2);
  });
});
