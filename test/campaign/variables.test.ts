import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignStack } from '../helpers/campaign-stack';
import { reminderIvr } from '../helpers/reminder-ivr';
import { callsTo, contact, run } from './helpers';

/**
 * A contact's CSV columns reach the IVR it hears: the answer route looks the contact up, the call
 * workflow speaks its variables, and (journal mode) the server does the same for every step.
 */
describe.each(['update', 'journal'] as const)(
  'contact variables in the IVR (WEBHOOK_MODE=%s)',
  (mode) => {
    let stack: CampaignStack;
    const ivr = reminderIvr('reminder-vars');

    beforeAll(async () => {
      stack = await CampaignStack.start(ivr, { WEBHOOK_MODE: mode });
    });
    afterAll(async () => {
      await stack?.stop();
    });

    async function heard(phone: string): Promise<string[]> {
      const [call] = callsTo(stack, phone);
      const done = await stack.sim.waitForCall(call?.sid as string);
      // Journal mode answers actions itself, from the state (and contact) their URLs carry.
      const actions = done.transcript.of('request').filter((r) => r.purpose === 'action');
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action.url.includes('&st=')).toBe(mode === 'journal');
      return done.transcript.of('say').map((s) => s.text);
    }

    it('speaks each contact its own name and columns, escaped as text', async () => {
      // Numbers no other campaign test dials: attempt caps and opt-outs span the test database.
      const named = mode === 'update' ? '+14155550871' : '+14155550881';
      const unnamed = mode === 'update' ? '+14155550872' : '+14155550882';
      // A wrong key first: the failure path is an action step, answered from the contact again.
      stack.sim.setParty(named, { answer: 'answer', gathers: [{ digits: '7' }, { digits: '1' }] });
      stack.sim.setParty(unnamed, { answer: 'answer' });
      const { handle } = await run(
        stack,
        [
          contact(named, {
            name: 'Ann & <Hangup/>',
            variables: { account: '42', 'Balance Due': 'ten dollars' },
          }),
          contact(unnamed, { line: 3 }),
        ],
        { ivrId: ivr.id },
      );
      const result = await handle.result();
      expect(result.progress).toMatchObject({ total: 2, answered: 2 });

      expect(await heard(named)).toEqual([
        'Hello Ann & <Hangup/>, about account 42.',
        'Press 1 to pay ten dollars.',
        'Sorry Ann & <Hangup/>, that is not an option.',
        'Hello Ann & <Hangup/>, about account 42.',
        'Press 1 to pay ten dollars.',
        'Thank you Ann & <Hangup/>. Goodbye.',
      ]);
      // No name, no columns: defaults where the IVR has them, nothing where it has none.
      expect(await heard(unnamed)).toEqual([
        'Hello, about account.',
        'Press 1 to pay your balance.',
        'are you there?',
        'Hello, about account.',
        'Press 1 to pay your balance.',
        'Goodbye.',
      ]);
    });
  },
);
