import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { quietLogger, workflowBundle } from '../helpers/env';

/**
 * Conference histories recorded from the end-to-end tests (`RECORD_HISTORIES=1 npx vitest run
 * test/e2e/conference.test.ts test/e2e/conference-faults.test.ts`): warm transfer, B not
 * answering, voicemail, supervision, moderation, duplicated callbacks, the worker restarted, and
 * a warm transfer that started at an IVR node.
 */
const dir = path.resolve(__dirname, '..', 'fixtures', 'histories', 'conference');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

const raw = (file: string): unknown => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const load = (file: string, json: unknown = raw(file)) => ({
  workflowId: file,
  history: historyFromJSON(json),
});

async function replayAll(
  bundle: Awaited<ReturnType<typeof workflowBundle>>,
  histories: ReturnType<typeof load>[],
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'ci-conference' },
    histories,
  )) {
    results.push(result);
  }
  return results;
}

describe('replay of saved conference histories', () => {
  it('has a fixture for every conference scenario', () => {
    expect(files.sort()).toEqual(
      [
        'conference-duplicated-callbacks.json',
        'conference-ivr-warm-transfer.json',
        'conference-moderation.json',
        'conference-no-answer-back-to-agent.json',
        'conference-supervision.json',
        'conference-voicemail.json',
        'conference-warm-transfer.json',
        'conference-worker-restart.json',
      ].sort(),
    );
  });

  it('replays every saved history against the current workflow code', async () => {
    const results = await replayAll(
      await workflowBundle(),
      files.map((f) => load(f)),
    );
    expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(
      files.map((f) => [f, undefined]),
    );
  });

  it('fails when the conference workflow changes incompatibly', async () => {
    const tampered = await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'tampered', 'conference-workflows.ts'),
      logger: quietLogger,
    });
    const results = await replayAll(
      tampered,
      files.map((f) => load(f)),
    );
    expect(results).toHaveLength(files.length);
    for (const result of results) expect(result.error?.name).toBe('DeterminismViolationError');
  });

  it('fails when a saved history is tampered with', async () => {
    type Event = { activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } };
    const file = 'conference-warm-transfer.json';
    const json = raw(file) as { events: Event[] };
    // The customer's move into the conference now names an activity the workflow never calls.
    const scheduled = json.events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'updateCall',
    );
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'redirectCall';
    const [result] = await replayAll(await workflowBundle(), [load(file, json)]);
    expect(result?.error?.name).toBe('DeterminismViolationError');
  });
});
