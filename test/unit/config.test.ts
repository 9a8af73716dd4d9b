import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  PUBLIC_BASE_URL: 'https://voice.example.com',
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'x'.repeat(32),
};

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const config = loadConfig(valid);
    expect(config.HTTP_PORT).toBe(3000);
    expect(config.WEBHOOK_UPDATE_BUDGET_MS).toBe(3000);
    expect(config.TRUSTED_PROXIES).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { HTTP_PORT: number }).HTTP_PORT = 1;
    }).toThrow(TypeError);
  });

  it('names a missing variable', () => {
    const rest: Record<string, string> = { ...valid };
    delete rest.DATABASE_URL;
    expect(() => loadConfig(rest)).toThrow(/DATABASE_URL is required but missing/);
  });

  it('names every malformed variable at once', () => {
    try {
      loadConfig({
        ...valid,
        HTTP_PORT: 'eighty',
        TWILIO_ACCOUNT_SID: 'nope',
        TEMPORAL_ADDRESS: 'x',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/HTTP_PORT is malformed/);
      expect(problems).toMatch(/TWILIO_ACCOUNT_SID is malformed/);
      expect(problems).toMatch(/TEMPORAL_ADDRESS is malformed: must be host:port/);
    }
  });

  it('parses trusted proxies as a list', () => {
    expect(
      loadConfig({ ...valid, TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' }).TRUSTED_PROXIES,
    ).toEqual(['127.0.0.1', '10.0.0.0/8']);
  });
});
