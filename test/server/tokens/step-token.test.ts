import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeStepToken,
  encodeStepToken,
  stepTokenKey,
} from '../../../src/server/tokens/step-token';

const key = stepTokenKey('test-auth-token-0123456789abcdef');
const CALL = 'CA' + '1'.repeat(32);
const token = {
  ivrId: 'test-line',
  ivrVersion: 3,
  state: { node: 'main', attempts: 2, seq: 7, ended: false, consent: 'declined' as const },
};

describe('step token', () => {
  it('carries the IVR version and state through a URL unchanged', () => {
    const raw = encodeStepToken(key, CALL, token);
    expect(raw).toMatch(/^[\w-]+\.[\w-]{22}$/);
    expect(decodeStepToken(key, CALL, raw)).toEqual(token);
    const plain = { ...token, state: { node: 'end', attempts: 0, seq: 9, ended: true } };
    expect(decodeStepToken(key, CALL, encodeStepToken(key, CALL, plain))).toEqual(plain);
  });

  it('is refused for another call, under another key, or when any character changes', () => {
    const raw = encodeStepToken(key, CALL, token);
    expect(decodeStepToken(key, 'CA' + '2'.repeat(32), raw)).toBeUndefined();
    expect(
      decodeStepToken(stepTokenKey('another-auth-token-0123456789'), CALL, raw),
    ).toBeUndefined();
    for (let i = 0; i < raw.length; i++) {
      const changed = raw.slice(0, i) + (raw[i] === 'A' ? 'B' : 'A') + raw.slice(i + 1);
      expect(decodeStepToken(key, CALL, changed), `changed at ${i}`).toBeUndefined();
    }
  });

  it('refuses well-signed tokens whose content is not a state', () => {
    // Signed as the server signs, so only the shape check stands between them and a caller.
    const forge = (packed: unknown): string => {
      const body = Buffer.from(JSON.stringify(packed)).toString('base64url');
      const mac = createHmac('sha256', key).update(`${CALL}.${body}`).digest('base64url');
      return `${body}.${mac.slice(0, 22)}`;
    };
    expect(decodeStepToken(key, CALL, forge(['test-line', 1, 'main', 0, 1, 0, '']))).toMatchObject({
      state: { node: 'main', seq: 1 },
    });
    for (const bad of [
      ['test line', 1, 'main', 0, 1, 0, ''],
      ['test-line', -1, 'main', 0, 1, 0, ''],
      ['test-line', 1, 'ma in', 0, 1, 0, ''],
      ['test-line', 1, 'main', 0.5, 1, 0, ''],
      ['test-line', 1, 'main', 0, 1, 2, ''],
      ['test-line', 1, 'main', 0, 1, 0, 'yes'],
      ['test-line', 1, 'main', 0, 1, 0],
      { ivrId: 'test-line' },
    ]) {
      expect(decodeStepToken(key, CALL, forge(bad)), JSON.stringify(bad)).toBeUndefined();
    }
    expect(decodeStepToken(key, CALL, '')).toBeUndefined();
    expect(decodeStepToken(key, CALL, 'not-a-token')).toBeUndefined();
    expect(decodeStepToken(key, CALL, 'a'.repeat(5000))).toBeUndefined();
  });
});
