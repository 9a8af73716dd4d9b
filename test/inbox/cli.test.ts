import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli';
import { inboxCommands } from '../../src/cli/inbox-commands';
import type { Db } from '../../src/db/pool';
import { keepInInbox } from '../../src/inbox/store';
import { testDb } from '../helpers/env';

/** `npm run cli -- inbox …` against the test database. */
let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(() => db?.end());
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]): Promise<string> => runCli(inboxCommands, 'inbox', args);

/**
 * A row no relay delivers (its family has no deliverer anywhere), so nothing but the CLI moves
 * it; dead after three refusals whose last error quoted a caller's number.
 */
async function deadRow(tag: string): Promise<string> {
  const workflowId = `cli-${tag}-${Math.random().toString(36).slice(2, 10)}`;
  await keepInInbox(db, {
    family: 'cli-test',
    kind: 'status',
    eventKey: `${workflowId}:status:0`,
    workflowId,
    payload: { from: '+14155550100' },
  });
  const { rows } = await db.query<{ id: string }>(
    `UPDATE callback_inbox
        SET attempts = 3, dead_at = now(), created_at = now() - interval '5 minutes',
            last_error = 'no call for +14155550100'
      WHERE workflow_id = $1 RETURNING id`,
    [workflowId],
  );
  return rows[0]!.id;
}

const stateOf = async (id: string) =>
  (
    await db.query<{ attempts: number; dead: boolean }>(
      'SELECT attempts, dead_at IS NOT NULL AS dead FROM callback_inbox WHERE id = $1',
      [id],
    )
  ).rows[0];

describe('inbox CLI', () => {
  it('lists dead rows as a table, never showing a phone number', async () => {
    const id = await deadRow('list');
    const out = await cli('list', '--dead', '--limit', '1000');
    const [header, ...rows] = out.split('\n');
    expect(header).toMatch(/^id +family +kind +workflow +state +attempts +age +last error$/);
    const mine = rows.find((line) => line.startsWith(`${id} `));
    expect(mine).toMatch(/ cli-test +status +cli-list-\w+ +dead +3 +5m +no call for \+1415\*+100$/);
    expect(out).not.toContain('+14155550100');
  });

  it('retries one row, or every dead row, from a fresh count', async () => {
    const one = await deadRow('retry');
    const other = await deadRow('retry');
    expect(await cli('retry', one)).toBe(`1 row(s) will be tried again: ${one}`);
    expect(await stateOf(one)).toEqual({ attempts: 0, dead: false });
    expect(await stateOf(other)).toEqual({ attempts: 3, dead: true });

    expect(await cli('retry', '--all-dead')).toMatch(new RegExp(`tried again: .*\\b${other}\\b`));
    expect(await stateOf(other)).toEqual({ attempts: 0, dead: false });
    const dead = await cli('list', '--dead', '--limit', '1000');
    expect(
      dead.split('\n').filter((l) => l.startsWith(`${one} `) || l.startsWith(`${other} `)),
    ).toEqual([]);
    await db.query("DELETE FROM callback_inbox WHERE family = 'cli-test'");
  });

  it('says which row it could not find, and wants an id or --all-dead', async () => {
    await expect(cli('retry', '999999999')).rejects.toThrow('no inbox row 999999999');
    await expect(cli('retry')).rejects.toThrow('give a row id or --all-dead');
  });
});
