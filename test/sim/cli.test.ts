import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_TOKEN } from '../../src/sim';
import { startTwimlServer, twiml, type TwimlServer } from './helpers';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

describe('npm run call', () => {
  let app: TwimlServer;

  beforeAll(async () => {
    app = await startTwimlServer({
      '/voice/inbound': () =>
        twiml(
          '<Gather numDigits="1" action="/voice/menu"><Say>Press 1 for billing.</Say></Gather>',
        ),
      '/voice/menu': (p) =>
        twiml(
          `<Gather input="speech" action="/voice/topic"><Say>You pressed ${p.Digits}.</Say></Gather>`,
        ),
      '/voice/topic': (p) => twiml(`<Say>About ${p.SpeechResult}. Goodbye.</Say>`),
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('places a call and prints the conversation line by line, then the final status', async () => {
    const { stdout } = await run(
      path.join(root, 'node_modules/.bin/tsx'),
      [
        'src/sim/cli.ts',
        '--to',
        '+15005550006',
        '--from',
        '+14155550100',
        '--press',
        '1',
        '--say',
        'billing',
      ],
      {
        cwd: root,
        env: { ...process.env, PUBLIC_BASE_URL: app.url, TWILIO_AUTH_TOKEN: DEFAULT_AUTH_TOKEN },
        timeout: 30_000,
      },
    );
    expect(stdout).toContain('"Press 1 for billing."');
    expect(stdout).toContain('caller presses 1');
    expect(stdout).toContain('caller says "billing"');
    expect(stdout).toContain('"About billing. Goodbye."');
    expect(stdout).toMatch(/Call CA[0-9a-f]{32} ended: completed/);
    expect(app.to('/voice/topic')).toHaveLength(1);
  });

  it('refuses a malformed number', async () => {
    await expect(
      run(path.join(root, 'node_modules/.bin/tsx'), ['src/sim/cli.ts', '--to', '555-1234'], {
        cwd: root,
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('E.164') as unknown });
  });
});
