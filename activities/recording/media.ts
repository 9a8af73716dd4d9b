import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  PassThrough,
  Transform,
  Writable,
  type Readable,
  type TransformCallback,
} from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DecryptStream, EncryptStream, type KeyRing } from '../../src/storage/crypto';
import type { ObjectStorage } from '../../src/storage/types';

/** Counts and hashes the bytes passing through, and calls `progress` every MiB. */
export class Meter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  private nextReport = 1 << 20;

  constructor(private readonly progress?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= this.nextReport) {
      this.nextReport += 1 << 20;
      this.progress?.(this.bytes);
    }
    done(null, chunk);
  }
}

/**
 * Fails the stream when a RIFF/WAVE body ends before the length its header declares: a chunked
 * answer cut short has no Content-Length to betray it, but a WAV says how long it is.
 */
export class WavLengthCheck extends Transform {
  private head = Buffer.alloc(0);
  private bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.head.length < 12) this.head = Buffer.concat([this.head, chunk]).subarray(0, 12);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.head.length < 12 || this.head.toString('ascii', 0, 4) !== 'RIFF') {
      return done(new Error('media is not a RIFF/WAVE file'));
    }
    const declared = this.head.readUInt32LE(4) + 8;
    // Streaming writers leave 0xffffffff (or 0) when they could not seek back to fill it in.
    if (declared !== 0xffffffff + 8 && declared !== 8 && this.bytes < declared) {
      return done(new Error(`media truncated: ${this.bytes} of ${declared} bytes`));
    }
    done();
  }
}

export interface StoredMedia {
  mediaBytes: number;
  mediaSha256: string;
  objectBytes: number;
}

/**
 * Streams a media body through a hash, the encryptor and into storage: never the whole file in
 * memory. `expectedBytes` (Content-Length) must match what arrived, or nothing is kept.
 */
export async function encryptToStorage(
  body: Readable,
  storage: ObjectStorage,
  ring: KeyRing,
  objectKey: string,
  opts: { expectedBytes?: number; progress?: (bytes: number) => void; wav?: boolean } = {},
): Promise<StoredMedia> {
  const meter = new Meter(opts.progress);
  const sizeCheck = new Transform({
    transform: (c, _e, d) => d(null, c),
    flush(done) {
      if (opts.expectedBytes !== undefined && meter.bytes !== opts.expectedBytes) {
        return done(
          new Error(`media size ${meter.bytes} differs from Content-Length ${opts.expectedBytes}`),
        );
      }
      done();
    },
  });
  const out = new PassThrough();
  const stages: NodeJS.ReadWriteStream[] = opts.wav === false ? [] : [new WavLengthCheck()];
  // The size and length checks run before the encryptor's final frame: a short body fails the
  // stream, pipeline destroys `out`, and storage.put discards its partial write.
  const feeding = pipeline([body, ...stages, meter, sizeCheck, new EncryptStream(ring), out]);
  const storing = storage.put(objectKey, out, { keyId: ring.currentId });
  const [fed, stored] = await Promise.allSettled([feeding, storing]);
  if (fed.status === 'rejected') throw fed.reason;
  if (stored.status === 'rejected') throw stored.reason;
  return {
    mediaBytes: meter.bytes,
    mediaSha256: meter.hash.digest('hex'),
    objectBytes: stored.value.size,
  };
}

/** Reads an object back and hashes its plaintext: the check before Twilio's copy is deleted. */
export async function hashStored(
  storage: ObjectStorage,
  ring: KeyRing,
  objectKey: string,
): Promise<{ bytes: number; sha256: string }> {
  const meter = new Meter();
  await pipeline(
    await storage.get(objectKey),
    new DecryptStream(ring),
    meter,
    new Writable({ write: (_c, _e, d) => d() }),
  );
  return { bytes: meter.bytes, sha256: meter.hash.digest('hex') };
}

/** Decrypts an object to a file (mode 0600): for the transcriber and for `recording get`. */
export async function decryptToFile(
  storage: ObjectStorage,
  ring: KeyRing,
  objectKey: string,
  file: string,
): Promise<{ bytes: number; sha256: string }> {
  const meter = new Meter();
  await pipeline(
    await storage.get(objectKey),
    new DecryptStream(ring),
    meter,
    createWriteStream(file, { mode: 0o600 }),
  );
  return { bytes: meter.bytes, sha256: meter.hash.digest('hex') };
}

/** Re-encrypts an object under the ring's current key into `newKey`; the caller deletes the old. */
export async function reencrypt(
  storage: ObjectStorage,
  ring: KeyRing,
  oldKey: string,
  newKey: string,
): Promise<StoredMedia> {
  const plain = (await storage.get(oldKey)).pipe(new DecryptStream(ring));
  return encryptToStorage(plain, storage, ring, newKey, { wav: false });
}
