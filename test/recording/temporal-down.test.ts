import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { RestartableTemporal } from '../helpers/dev-server';
import { FakeRecogniser } from './fakes';
import { pause, waitForRow } from './helpers';
import { RecordingStack } from './stack';

/** Its own Temporal dev server on a SQLite file, so it can be stopped and started again. */
let temporal: RestartableTemporal;
let stack: RecordingStack;

beforeAll(async () => {
  const dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-rec-outage-')), 't.sqlite');
  temporal = await RestartableTemporal.start(inject('temporalBin'), dbFile);
  stack = await RecordingStack.start({
    temporalAddress: temporal.address,
    transcriber: new FakeRecogniser(),
  });
});

afterAll(async () => {
  await stack?.stop();
  await temporal?.close();
});

describe('Temporal down when the recording callback arrives', () => {
  it('the callback is kept (204), retried while Temporal is away, and the pipeline runs once it is back', async () => {
    stack.sim.setParty('+15005550101', { answer: 'no-answer' });
    // The recording callback comes 10 s after the call ends; Temporal is stopped by then (its
    // shutdown took over 3 s once on a busy CI machine, and the callback went straight through).
    stack.sim.setFaults({ callbacks: { delayMs: 10_000, kinds: ['recording'] } });
    const run = await stack.sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${stack.config.PUBLIC_BASE_URL}/voice/inbound`,
      script: { gathers: [{ digits: '1' }], records: [{ text: 'call me back', durationSec: 2 }] },
    });
    expect(run.errors).toEqual([]);
    const sid = run.transcript.of('recording')[0]!.recordingSid;
    await temporal.stop();
    await stack.sim.idle();
    const sent = run.transcript.of('callback').filter((c) => c.kind === 'recording');
    expect(sent.map((c) => c.status)).toEqual([204]);
    // Kept in the inbox while Temporal is away (the relay's delivery waits on it, or is refused).
    await pause(1000);
    const { rowCount: kept } = await stack.db.query(
      `SELECT 1 FROM callback_inbox WHERE family = 'recording' AND workflow_id = $1`,
      [`recording-${sid}`],
    );
    expect(kept).toBe(1);
    await temporal.start();
    const row = await waitForRow(stack.db, sid, (r) => r.retainUntil !== null, 90_000);
    expect(row.twilioDeletedAt).not.toBeNull();
    const { rowCount } = await stack.db.query(
      `SELECT 1 FROM callback_inbox WHERE workflow_id = $1`,
      [`recording-${sid}`],
    );
    expect(rowCount).toBe(0);
  });
});
