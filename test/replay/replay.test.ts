import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { quietLogger, workflowBundle } from '../helpers/env';

const dir = path.resolve(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

function load(file: string): { workflowId: string; history: ReturnType<typeof historyFromJSON> } {
  return {
    workflowId: file,
    history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))),
  };
}

async function replayAll(
  bundle: Awaited<ReturnType<typeof workflowBundle>>,
  histories: ReturnType<typeof load>[],
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'ci' },
    histories,
  )) {
    results.push(result);
  }
  return results;
}

describe('replay of saved call histories', () => {
  it('has fixtures to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it('replays every saved history against the current workflow code', async () => {
    const results = await replayAll(await workflowBundle(), files.map(load));
    expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(
      files.map((f) => [f, undefined]),
    );
  });

  it('fails when the workflow code changes incompatibly', async () => {
    const tampered = await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'tampered', 'workflows.ts'),
      logger: quietLogger,
    });
    const results = await replayAll(tampered, files.map(load));
    expect(results).toHaveLength(files.length);
    for (const result of results) expect(result.error?.name).toBe('DeterminismViolationError');
  });

  it('fails when a saved history is tampered with', async () => {
    type Payload = { data: string };
    type Event = {
      activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
      workflowExecutionStartedEventAttributes?: { input?: { payloads: Payload[] } };
      markerRecordedEventAttributes?: {
        markerName?: string;
        details?: Record<string, { payloads: Payload[] }>;
      };
    };
    const read = (file: string): { events: Event[] } =>
      JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { events: Event[] };

    // A history from before the local-activity patch: its activity now has another name.
    const old = read(files.find((f) => f.startsWith('v1-remote-log-'))!);
    const scheduled = old.events.find((e) => e.activityTaskScheduledEventAttributes);
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'renamedActivity';

    // A history from before revisions: its patch marker now names a change the code does not make.
    const patchedOne = read(files.find((f) => f.startsWith('v2-'))!);
    const marker = patchedOne.events.find(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_patch',
    );
    const payload = marker!.markerRecordedEventAttributes!.details!['patch-data']!.payloads[0]!;
    payload.data = Buffer.from(
      JSON.stringify({ id: 'unknown-change', deprecated: false }),
    ).toString('base64');

    // A current history: its input now claims the first revision, whose commands differ.
    const current = read(files.find((f) => f.startsWith('call-'))!);
    const input = current.events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads[0]!;
    const args = JSON.parse(Buffer.from(input.data, 'base64').toString('utf8')) as object;
    input.data = Buffer.from(JSON.stringify({ ...args, revision: 1 })).toString('base64');

    const results = await replayAll(await workflowBundle(), [
      { workflowId: 'tampered-old', history: historyFromJSON(old) },
      { workflowId: 'tampered-patched', history: historyFromJSON(patchedOne) },
      { workflowId: 'tampered-current', history: historyFromJSON(current) },
    ]);
    expect(results.map((r) => [r.workflowId, r.error?.name])).toEqual([
      ['tampered-old', 'DeterminismViolationError'],
      ['tampered-patched', 'DeterminismViolationError'],
      ['tampered-current', 'DeterminismViolationError'],
    ]);
  });
});
