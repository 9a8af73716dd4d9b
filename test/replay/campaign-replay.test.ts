import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../helpers/env';

const dir = path.resolve(__dirname, '..', 'fixtures', 'histories', 'campaign');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
type Json = { events: Record<string, unknown>[] };
const read = (file: string): Json => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Json;

async function replay(
  histories: { workflowId: string; history: unknown }[],
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(), replayName: 'campaign-ci' },
    histories.map((h) => ({ workflowId: h.workflowId, history: historyFromJSON(h.history) })),
  )) {
    results.push(result);
  }
  return results;
}

describe('replay of saved campaign and attempt histories', () => {
  it('has a campaign history and attempt histories', () => {
    expect(files.some((f) => f.startsWith('campaign-'))).toBe(true);
    expect(files.filter((f) => f.startsWith('attempt-')).length).toBeGreaterThanOrEqual(2);
  });

  it('replays every saved history against the current workflow code', async () => {
    const results = await replay(files.map((f) => ({ workflowId: f, history: read(f) })));
    expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(
      files.map((f) => [f, undefined]),
    );
  });

  it('fails when a saved history is tampered with', async () => {
    const tampered = files.map((f) => {
      const history = read(f);
      // The first scheduled activity (or local-activity marker) now names another activity.
      const text = JSON.stringify(history).replace(
        /"(registerCampaign|createPacedCall)"/,
        '"renamedActivity"',
      );
      return { workflowId: f, history: JSON.parse(text) as unknown };
    });
    const results = await replay(tampered);
    expect(results).toHaveLength(files.length);
    for (const result of results) expect(result.error, result.workflowId).toBeDefined();
  });
});
