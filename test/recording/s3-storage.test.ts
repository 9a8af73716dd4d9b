import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Storage } from '../../src/storage/s3';
import { startVersitygw, type S3Server } from './versitygw';

let s3: S3Server;

beforeAll(async () => {
  s3 = await startVersitygw();
});
afterAll(async () => {
  await s3?.stop();
});

const options = (secret: string) => ({
  endpoint: s3.endpoint,
  region: 'us-east-1',
  bucket: s3.bucket,
  accessKeyId: s3.accessKey,
  secretAccessKey: secret,
  forcePathStyle: true,
  prefix: 'unit/',
});

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('S3 storage against versitygw', () => {
  it('puts, heads (key id kept beside the object), gets and deletes', async () => {
    const storage = s3Storage(options(s3.secretKey));
    const body = Buffer.alloc(300_000, 7);
    expect(await storage.put('a/b.sbrec', Readable.from([body]), { keyId: 'k9' })).toEqual({
      size: body.length,
    });
    expect(await storage.head('a/b.sbrec')).toEqual({ keyId: 'k9', size: body.length });
    expect((await readAll(await storage.get('a/b.sbrec'))).equals(body)).toBe(true);
    await storage.delete('a/b.sbrec');
    expect(await storage.head('a/b.sbrec')).toBeUndefined();
  });

  it('refuses a request signed with the wrong secret (SigV4 is checked)', async () => {
    const storage = s3Storage(options(`${s3.secretKey}x`));
    await expect(
      storage.put('wrong.sbrec', Readable.from([Buffer.from('x')]), { keyId: 'k1' }),
    ).rejects.toThrow(/signature|SignatureDoesNotMatch|denied/i);
    expect(await s3Storage(options(s3.secretKey)).head('wrong.sbrec')).toBeUndefined();
  });

  it('an interrupted body leaves no object', async () => {
    const storage = s3Storage(options(s3.secretKey));
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(1000, 1));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(storage.put('broken.sbrec', broken, { keyId: 'k1' })).rejects.toThrow(/reset/);
    expect(await storage.head('broken.sbrec')).toBeUndefined();
  });
});
