import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/db/pool';
import { IvrRegistry } from '../../src/ivr/registry';
import { buildApp } from '../../src/server/app';
import { freePort } from '../helpers/dev-server';
import { temporalClient, testConfig, testDb } from '../helpers/env';

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function readyz(db: Db, temporal: Client): Promise<{ status: number; body: unknown }> {
  const app = await buildApp({
    config: testConfig(),
    db,
    temporal,
    ivrs: new IvrRegistry(),
    logger: false,
  });
  try {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    return { status: res.statusCode, body: res.json() };
  } finally {
    await app.close();
  }
}

describe('/readyz against real dependencies', () => {
  it('answers 200 when PostgreSQL and Temporal answer', async () => {
    const db = testDb();
    const temporal = await temporalClient();
    closers.push(
      () => db.end(),
      () => temporal.connection.close(),
    );
    expect(await readyz(db, temporal)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } },
    });
  });

  it('answers 503 naming PostgreSQL when it does not answer', async () => {
    const db = createPool(`postgres://postgres@127.0.0.1:${await freePort()}/nothing`, 1);
    const temporal = await temporalClient();
    closers.push(
      () => db.end(),
      () => temporal.connection.close(),
    );
    const { status, body } = await readyz(db, temporal);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'unavailable',
      checks: { postgres: expect.stringMatching(/^down: /), temporal: 'ok' },
    });
  });

  it('answers 503 naming Temporal when it does not answer', async () => {
    const db = testDb();
    // A lazy connection to a port nobody listens on: what a server sees when Temporal is down.
    const connection = Connection.lazy({
      address: `127.0.0.1:${await freePort()}`,
      connectTimeout: 500,
    });
    const temporal = new Client({ connection });
    closers.push(
      () => db.end(),
      () => connection.close(),
    );
    const { status, body } = await readyz(db, temporal);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'unavailable',
      checks: { postgres: 'ok', temporal: expect.stringMatching(/^down: /) },
    });
  });
});
