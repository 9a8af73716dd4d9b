import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conferenceInput, conferenceStartOptions } from '../../../src/conference/start';
import {
  conferenceCallbacksSignal,
  conferenceSnapshotQuery,
  moderateUpdate,
  superviseUpdate,
  transferUpdate,
  type ConferenceEvent,
} from '../../../workflows/conference/definitions';
import type { conferenceWorkflow } from '../../../workflows/conference/workflow';
import { CONFERENCE_WORKFLOW_TYPE } from '../../../workflows/shared/ids';
import { testConfig } from '../../helpers/env';
import { startWorkerEnv, type WorkerEnv } from '../../helpers/worker-env';

const CF = 'CF' + '12'.repeat(16);
const sid = (n: number): string => 'CA' + String(n).padStart(32, '5');

function join(seq: number, n: number, label: string): ConferenceEvent {
  return {
    kind: 'conference',
    key: `${CF}:${seq}:participant-join:${sid(n)}`,
    event: 'participant-join',
    conferenceSid: CF,
    sequenceNumber: seq,
    timestamp: new Date(Date.UTC(2026, 11, 3, 16, 0, seq)).toISOString(),
    callSid: sid(n),
    label,
    muted: false,
    hold: false,
    coaching: false,
  };
}

/** The message an update's refusal carries to the caller. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('expected the update to be refused');
}

describe('conference workflow against the dev server: requests it cannot carry out', () => {
  let env: WorkerEnv;
  const config = testConfig({ CONFERENCE_CALLER_ID: '+15005550006' });

  beforeAll(async () => {
    env = await startWorkerEnv(config.TEMPORAL_TASK_QUEUE);
  });
  afterAll(() => env?.stop());

  it('refuses moderation, supervision and transfer requests before they reach history', async () => {
    const name = `validators-${Date.now()}`;
    const handle = await env.client.workflow.start<typeof conferenceWorkflow>(
      CONFERENCE_WORKFLOW_TYPE,
      conferenceStartOptions(
        conferenceInput(config, { name, by: 'test', customerJoinsItself: true }),
        config.TEMPORAL_TASK_QUEUE,
      ),
    );
    // Before any callback the conference has no ConferenceSid: nothing can be moderated.
    expect(
      await refusal(
        handle.executeUpdate(moderateUpdate, { args: [{ action: 'end', by: 'olga' }] }),
      ),
    ).toBe('the conference has not started yet');

    await handle.signal(conferenceCallbacksSignal, [join(0, 1, 'customer')]);
    const mute = (participant: string, by = 'olga') =>
      handle.executeUpdate(moderateUpdate, { args: [{ action: 'mute', participant, by }] });
    expect(await refusal(mute('agent-7'))).toBe(
      'no participant "agent-7" (give a label or a CallSid)',
    );
    expect(await refusal(mute('customer', ''))).toBe('who is asking (by) is required');
    expect(
      await refusal(
        handle.executeUpdate(moderateUpdate, {
          args: [{ action: 'explode' as never, participant: 'customer', by: 'olga' }],
        }),
      ),
    ).toContain('unknown action "explode"');
    expect(
      await refusal(
        handle.executeUpdate(transferUpdate, { args: [{ to: '+15005550202', by: 'olga' }] }),
      ),
    ).toBe('no agent is in the conference to hand the customer over');
    expect(
      await refusal(
        handle.executeUpdate(superviseUpdate, {
          args: [{ mode: 'coach', supervisor: '+15005550209', agent: 'agent-1', by: 'sam' }],
        }),
      ),
    ).toBe('no agent "agent-1" in the conference to coach');

    // Refused updates leave no trace in history: no activity was scheduled for any of them.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled).toHaveLength(0);
    const snapshot = await handle.query(conferenceSnapshotQuery);
    expect(snapshot.participants.map((p) => [p.label, p.status])).toEqual([['customer', 'joined']]);
    await handle.terminate('test over');
  });
});
