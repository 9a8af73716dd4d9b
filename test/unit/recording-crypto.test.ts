import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  DecryptStream,
  EncryptStream,
  FRAME_SIZE,
  keyIdOf,
  parseKeyRing,
  type KeyRing,
} from '../../src/storage/crypto';

const key = (): string => randomBytes(32).toString('base64');
const ring: KeyRing = parseKeyRing(`k1:${key()},k2:${key()}`, 'k2');

async function through(
  input: Buffer,
  stream: NodeJS.ReadWriteStream,
  chunk = 7777,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunk) chunks.push(input.subarray(i, i + chunk));
  await pipeline(
    Readable.from(chunks),
    stream,
    new Writable({
      write(c: Buffer, _e, done) {
        parts.push(c);
        done();
      },
    }),
  );
  return Buffer.concat(parts);
}

describe('chunked AES-256-GCM', () => {
  it.each([0, 1, FRAME_SIZE - 1, FRAME_SIZE, FRAME_SIZE + 1, 3 * FRAME_SIZE, 200_001])(
    'round-trips %i bytes in frames, under the current key id',
    async (size) => {
      const plain = randomBytes(size);
      const sealed = await through(plain, new EncryptStream(ring));
      expect(keyIdOf(sealed)).toBe('k2');
      expect(sealed.includes(plain.subarray(0, Math.min(64, size))) && size >= 64).toBe(false);
      expect((await through(sealed, new DecryptStream(ring), 1000)).equals(plain)).toBe(true);
    },
  );

  it('decrypts an object written under an older key that is still configured', async () => {
    const old = parseKeyRing(`k1:${Buffer.from(ring.keys.get('k1')!).toString('base64')}`, 'k1');
    const sealed = await through(Buffer.from('hello'), new EncryptStream(old));
    expect((await through(sealed, new DecryptStream(ring))).toString()).toBe('hello');
  });

  it('refuses an object whose key is not configured', async () => {
    const other = parseKeyRing(`k3:${key()}`, 'k3');
    const sealed = await through(Buffer.from('hello'), new EncryptStream(other));
    await expect(through(sealed, new DecryptStream(ring))).rejects.toThrow(/k3/);
  });

  it('fails on a flipped bit, a truncation at a frame boundary, and a dropped final frame', async () => {
    const plain = randomBytes(2 * FRAME_SIZE + 100);
    const sealed = await through(plain, new EncryptStream(ring));
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 50]! ^= 1;
    await expect(through(flipped, new DecryptStream(ring))).rejects.toThrow();
    const header = sealed.length - (2 * (FRAME_SIZE + 16) + 100 + 16);
    const cut = sealed.subarray(0, header + FRAME_SIZE + 16);
    await expect(through(cut, new DecryptStream(ring))).rejects.toThrow();
    await expect(
      through(sealed.subarray(0, sealed.length - 116), new DecryptStream(ring)),
    ).rejects.toThrow();
  });

  it('checks the key ring it is given', () => {
    expect(() => parseKeyRing(`k1:${key()}`, 'k2')).toThrow(/current key id/);
    expect(() => parseKeyRing('k1:c2hvcnQ=', 'k1')).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`bad id:${key()}`, 'bad id')).toThrow(/id/);
  });
});
