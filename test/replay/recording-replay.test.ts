import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../helpers/env';

const dir = path.resolve(__dirname, '..', 'fixtures', 'histories', 'recording');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
type Json = { events: Record<string, unknown>[] };
const read = (file: string): Json => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json;

async function replay(histories: { workflowId: string; history: Json }[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(), replayName: 'recording-ci' },
    histories.map((h) => ({ workflowId: h.workflowId, history: historyFromJSON(h.history) })),
  )) {
    results.push(result);
  }
  return results;
}

describe('replay of saved recording histories', () => {
  it('has a fixture per scenario', () => {
    expect(files.sort()).toEqual([
      'recording-absent.json',
      'recording-completed-purged.json',
      'recording-hold-release-purged.json',
    ]);
  });

  it('replays every saved history against the current workflow code', async () => {
    const results = await replay(files.map((f) => ({ workflowId: f, history: read(f) })));
    expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(
      files.map((f) => [f, undefined]),
    );
  });

  it('fails when a saved history is tampered with', async () => {
    // Twilio's copy deleted before the stored copy was verified: not what the workflow does.
    const history = read('recording-completed-purged.json');
    type Scheduled = {
      activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
    };
    const names = history.events
      .map((e) => (e as Scheduled).activityTaskScheduledEventAttributes?.activityType)
      .filter((t): t is { name?: string } => t !== undefined);
    const verify = names.find((t) => t.name === 'verifyStoredRecording')!;
    verify.name = 'deleteRecording';
    const results = await replay([{ workflowId: 'tampered', history }]);
    expect(results.map((r) => [r.workflowId, r.error?.name])).toEqual([
      ['tampered', 'DeterminismViolationError'],
    ]);
  });
});
