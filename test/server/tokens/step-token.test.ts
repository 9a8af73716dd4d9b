import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenKeys } from '../../../src/server/tokens/keys';
import {
  STEP_TOKEN_TTL_SECONDS,
  decodeStepToken,
  encodeStepToken,
} from '../../../src/server/tokens/step-token';

const key = tokenKeys('test-auth-token-0123456789abcdef').step;
const CALL = 'CA' + '1'.repeat(32);
const NOW = new Date('2026-03-03T10:00:00Z');
const at = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
const token = {
  ivrId: 'test-line',
  ivrVersion: 3,
  state: { node: 'main', attempts: 2, seq: 7, ended: false, consent: 'declined' as const },
};

/** Signed as the server signs, so only the shape and age checks stand between it and a caller. */
function forge(packed: unknown, callSid = CALL, json = JSON.stringify(packed)): string {
  const body = Buffer.from(json).toString('base64url');
  const mac = createHmac('sha256', key)
    .update(JSON.stringify([callSid, body]))
    .digest('base64url');
  return `${body}.${mac.slice(0, 22)}`;
}
const issued = Math.floor(NOW.getTime() / 1000);

describe('step token', () => {
  it('carries the IVR version and state through a URL unchanged', () => {
    const raw = encodeStepToken(key, CALL, token, NOW);
    expect(raw).toMatch(/^[\w-]+\.[\w-]{22}$/);
    expect(decodeStepToken(key, CALL, raw, NOW)).toEqual(token);
    const plain = { ...token, state: { node: 'end', attempts: 0, seq: 9, ended: true } };
    expect(decodeStepToken(key, CALL, encodeStepToken(key, CALL, plain, NOW), NOW)).toEqual(plain);
  });

  it('is refused for another call, under another key, or when any character changes', () => {
    const raw = encodeStepToken(key, CALL, token, NOW);
    expect(decodeStepToken(key, 'CA' + '2'.repeat(32), raw, NOW)).toBeUndefined();
    const other = tokenKeys('another-auth-token-0123456789');
    expect(decodeStepToken(other.step, CALL, raw, NOW)).toBeUndefined();
    // The replay key is derived from the same auth token, and still does not verify a step token.
    expect(
      decodeStepToken(tokenKeys('test-auth-token-0123456789abcdef').replay, CALL, raw, NOW),
    ).toBeUndefined();
    for (let i = 0; i < raw.length; i++) {
      const changed = raw.slice(0, i) + (raw[i] === 'A' ? 'B' : 'A') + raw.slice(i + 1);
      expect(decodeStepToken(key, CALL, changed, NOW), `changed at ${i}`).toBeUndefined();
    }
    expect(decodeStepToken(key, CALL, `${raw}.x`, NOW)).toBeUndefined();
    expect(decodeStepToken(key, CALL, raw.split('.')[0]!, NOW)).toBeUndefined();
  });

  it('lives five hours, covering a call Twilio ends at four and the Dial that outlasts it', () => {
    const raw = encodeStepToken(key, CALL, token, NOW);
    expect(STEP_TOKEN_TTL_SECONDS).toBe(5 * 3600);
    expect(decodeStepToken(key, CALL, raw, at(4 * 3600))).toEqual(token);
    expect(decodeStepToken(key, CALL, raw, at(STEP_TOKEN_TTL_SECONDS))).toEqual(token);
    expect(decodeStepToken(key, CALL, raw, at(STEP_TOKEN_TTL_SECONDS + 1))).toBeUndefined();
    expect(decodeStepToken(key, CALL, raw, at(30 * 24 * 3600))).toBeUndefined();
  });

  it('tolerates a minute of clock skew and refuses a token from further in the future', () => {
    const raw = encodeStepToken(key, CALL, token, NOW);
    expect(decodeStepToken(key, CALL, raw, at(-60))).toEqual(token);
    expect(decodeStepToken(key, CALL, raw, at(-61))).toBeUndefined();
    expect(
      decodeStepToken(key, CALL, encodeStepToken(key, CALL, token, at(3600)), NOW),
    ).toBeUndefined();
  });

  it('refuses a token from before expiry existed: it carries no time', () => {
    // The pre-issue-10 format: seven fields, MACed over `${callSid}.${body}` with the same key.
    const body = Buffer.from(JSON.stringify(['test-line', 1, 'main', 0, 1, 0, ''])).toString(
      'base64url',
    );
    const mac = createHmac('sha256', key).update(`${CALL}.${body}`).digest('base64url');
    expect(decodeStepToken(key, CALL, `${body}.${mac.slice(0, 22)}`, NOW)).toBeUndefined();
    expect(
      decodeStepToken(key, CALL, forge(['test-line', 1, 'main', 0, 1, 0, '']), NOW),
    ).toBeUndefined();
  });

  it('refuses well-signed tokens whose content is not a state', () => {
    expect(
      decodeStepToken(key, CALL, forge(['test-line', 1, 'main', 0, 1, 0, '', issued]), NOW),
    ).toMatchObject({ state: { node: 'main', seq: 1 } });
    for (const bad of [
      ['test line', 1, 'main', 0, 1, 0, '', issued],
      ['test-line', -1, 'main', 0, 1, 0, '', issued],
      ['test-line', 1, 'ma in', 0, 1, 0, '', issued],
      ['test-line', 1, 'main', 0.5, 1, 0, '', issued],
      ['test-line', 1, 'main', 0, 1, 2, '', issued],
      ['test-line', 1, 'main', 0, 1, 0, 'yes', issued],
      ['test-line', 1, 'main', 0, 1, 0, '', String(issued)],
      ['test-line', 1, 'main', 0, 1, 0, '', issued + 0.5],
      ['test-line', 1, 'main', 0, 1, 0, '', 1e300],
      ['test-line', 1, 'main', 0, 1, 0, '', null],
      ['test-line', 1, 'main', 0, 1, 0, '', issued, 'extra'],
      { ivrId: 'test-line' },
    ]) {
      expect(decodeStepToken(key, CALL, forge(bad), NOW), JSON.stringify(bad)).toBeUndefined();
    }
    expect(decodeStepToken(key, CALL, '', NOW)).toBeUndefined();
    expect(decodeStepToken(key, CALL, 'not-a-token', NOW)).toBeUndefined();
    expect(decodeStepToken(key, CALL, '.', NOW)).toBeUndefined();
    expect(decodeStepToken(key, CALL, 'a'.repeat(5000), NOW)).toBeUndefined();
  });

  it('carries the campaign contact of an answered outbound call, and only an attempt id', () => {
    const withContact = { ...token, contact: 'outbound-spring-sale-17' };
    const raw = encodeStepToken(key, CALL, withContact, NOW);
    expect(decodeStepToken(key, CALL, raw, NOW)).toEqual(withContact);
    // Without a contact the token is the eight fields every earlier server minted.
    const plain = encodeStepToken(key, CALL, token, NOW).split('.')[0]!;
    expect(JSON.parse(Buffer.from(plain, 'base64url').toString())).toHaveLength(8);
    for (const contact of ['call-CA1', 'outbound-x', 7, 'outbound-' + 'x'.repeat(300) + '-1']) {
      const packed = ['test-line', 1, 'main', 0, 1, 0, '', issued, contact];
      expect(decodeStepToken(key, CALL, forge(packed), NOW), String(contact)).toBeUndefined();
    }
  });

  it('refuses a token too long to be ours before hashing it, even with a valid MAC', () => {
    // JSON allows whitespace, so a well-formed state can be padded to any length.
    const packed = ['test-line', 1, 'main', 0, 1, 0, '', issued];
    const padded = JSON.stringify(packed).replace(',', ',' + ' '.repeat(800));
    expect(decodeStepToken(key, CALL, forge(packed), NOW)).toBeDefined();
    const long = forge(packed, CALL, padded);
    expect(long.length).toBeGreaterThan(1024);
    expect(decodeStepToken(key, CALL, long, NOW)).toBeUndefined();
  });
});
