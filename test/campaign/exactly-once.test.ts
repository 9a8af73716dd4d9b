import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignStack } from '../helpers/campaign-stack';
import { loadIvr } from '../helpers/env';
import { WorkerProcess } from '../helpers/worker-process';
import { callsTo, contact, rows, run } from './helpers';

let stack: CampaignStack;
let worker: WorkerProcess | undefined;

describe('exactly-once dialing', () => {
  beforeAll(async () => {
    stack = await CampaignStack.start(loadIvr('test-line'), {}, { workers: 'process' });
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
  });

  it('the worker process is killed between Twilio answering the create and the answer being recorded: one call', async () => {
    const phone = '+14155550401';
    // Callbacks come late, so the restarted worker can only learn of the call from the Calls list.
    stack.sim.setParty(phone, {
      answer: 'answer',
      gathers: [{ digits: '0' }],
      faults: { callbacks: { delayMs: 9000 } },
    });
    const first = WorkerProcess.start(stack.workerEnv());
    worker = first;
    let killed!: () => void;
    const killedAfter = new Promise<void>((r) => (killed = r));
    const removeHook = stack.sim.onRestReply((route, status) => {
      if (route !== 'calls.create' || status !== 201) return;
      removeHook();
      // Twilio has the call. Freeze the worker before the answer reaches it, then kill it: the
      // CallSid never gets past the socket, let alone into Temporal or PostgreSQL.
      process.kill(first.pid, 'SIGSTOP');
      setTimeout(() => {
        void first.kill().then(killed);
      }, 100);
    });
    const { campaignId, handle } = await run(stack, [contact(phone)], { createTimeoutSeconds: 3 });
    await killedAfter;
    const sid = callsTo(stack, phone)[0]?.sid;
    expect(callsTo(stack, phone)).toHaveLength(1);
    const { rows: before } = await stack.db.query<{ call_sid: string | null }>(
      'SELECT call_sid FROM dial_intents WHERE campaign_id = $1',
      [campaignId],
    );
    // The intent was written before the request, and nothing recorded its answer.
    expect(before).toEqual([{ call_sid: null }]);

    worker = WorkerProcess.start(stack.workerEnv());
    const result = await handle.result();
    expect(result.progress, worker.log).toMatchObject({ answered: 1, dialed: 1 });
    expect(callsTo(stack, phone).map((c) => c.sid)).toEqual([sid]);
    expect(await rows(stack, campaignId)).toMatchObject([{ outcome: 'answered', attempts: 1 }]);
    const { rows: intents } = await stack.db.query<{ call_sid: string }>(
      'SELECT call_sid FROM dial_intents WHERE campaign_id = $1',
      [campaignId],
    );
    expect(intents).toEqual([{ call_sid: sid }]);
  }, 180_000);
});
