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

  describe('browser phone agents', () => {
    const hash = 'ab'.repeat(32);
    const agents = {
      TWILIO_API_KEY_SID: 'SK' + '1'.repeat(32),
      TWILIO_API_KEY_SECRET: 's'.repeat(32),
      TWILIO_TWIML_APP_SID: 'AP' + '2'.repeat(32),
      AGENT_API_KEYS: `alice:${hash}, bob:${hash.toUpperCase()}`,
      AGENT_CALLER_ID: '+15005550006',
    };
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig({ ...valid, ...env });
      } catch (err) {
        return (err as ConfigError).problems.join('\n');
      }
      return '';
    };

    it('are optional as a group, and parsed into frozen identities and key hashes', () => {
      expect(loadConfig(valid).AGENT_API_KEYS).toEqual([]);
      const config = loadConfig({ ...valid, ...agents });
      expect(config.AGENT_API_KEYS).toEqual([
        { identity: 'alice', keySha256: hash },
        { identity: 'bob', keySha256: hash },
      ]);
      expect(Object.isFrozen(config.AGENT_API_KEYS)).toBe(true);
      expect(config.AGENT_TOKEN_TTL_SECONDS).toBe(3600);
    });

    it('name every member of the group left unset when another is set', () => {
      const found = problems({ AGENT_API_KEYS: agents.AGENT_API_KEYS });
      for (const name of ['TWILIO_API_KEY_SID', 'TWILIO_API_KEY_SECRET', 'TWILIO_TWIML_APP_SID']) {
        expect(found).toContain(`${name} is required but missing`);
      }
      expect(found).toContain('AGENT_CALLER_ID is required but missing');
    });

    it.each([
      ['a plaintext key', { AGENT_API_KEYS: 'alice:sba_secret' }, 'AGENT_API_KEYS is malformed'],
      ['a repeated identity', { AGENT_API_KEYS: `a:${hash},a:${hash}` }, 'repeats identity a'],
      ['a token lifetime over an hour', { AGENT_TOKEN_TTL_SECONDS: '3601' }, 'AGENT_TOKEN_TTL'],
      ['an API key SID that is not SK…', { TWILIO_API_KEY_SID: 'AC' + '1'.repeat(32) }, 'SK'],
      ['a caller ID that is not E.164', { AGENT_CALLER_ID: '5551234' }, 'AGENT_CALLER_ID'],
    ])('refuse %s', (_label, env, message) => {
      const found = problems({ ...agents, ...env });
      expect(found).toContain(message);
      expect(found).not.toContain('sba_secret');
    });
  });
});
