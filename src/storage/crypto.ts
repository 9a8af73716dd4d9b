import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Recordings are encrypted at rest with AES-256-GCM in frames, so an object of any size is
 * encrypted and decrypted as a stream and never held whole in memory.
 *
 * Object layout (version 1):
 *   header  "SBREC\x01" (6) | key id length (1) | key id (ASCII) | nonce prefix (8) | frame size (4, BE)
 *   frames  ciphertext of up to `frame size` plaintext bytes, then its 16-byte GCM tag
 * Frame i uses the 12-byte nonce (nonce prefix ‖ i as uint32 BE), unique per key because the
 * prefix is random per object. Its additional data is the whole header, i and a final flag, so a
 * frame cannot be moved, swapped between objects or dropped: the last frame is always shorter than
 * a full one (empty when the plaintext fills the frames exactly) and is the only one flagged final,
 * so a truncated object fails to decrypt instead of yielding a shorter recording.
 */
export const FRAME_SIZE = 64 * 1024;
const MAGIC = Buffer.from('SBREC\x01', 'latin1');
const TAG = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The configured encryption keys: every key that may still be needed to read, and the one to write. */
export interface KeyRing {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Parses `id:base64,id:base64` (each key 32 bytes) and checks the current id is among them. */
export function parseKeyRing(spec: string, currentId: string): KeyRing {
  const keys = new Map<string, Buffer>();
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf(':');
    const id = part.slice(0, at);
    if (at < 1 || !KEY_ID.test(id))
      throw new Error(`key "${part.slice(0, 8)}…" needs an id: id:base64`);
    const key = Buffer.from(part.slice(at + 1), 'base64');
    if (key.length !== 32)
      throw new Error(`key ${id} must be 32 bytes of base64 (got ${key.length})`);
    if (keys.has(id)) throw new Error(`key ${id} is given twice`);
    keys.set(id, key);
  }
  if (!keys.has(currentId))
    throw new Error(`the current key id "${currentId}" is not among the keys`);
  return { currentId, keys };
}

function headerFor(keyId: string, prefix: Buffer): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  const size = Buffer.alloc(4);
  size.writeUInt32BE(FRAME_SIZE);
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id, prefix, size]);
}

function frameParams(header: Buffer, prefix: Buffer, index: number, final: boolean) {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(index);
  return {
    iv: Buffer.concat([prefix, counter]),
    aad: Buffer.concat([header, counter, Buffer.from([final ? 1 : 0])]),
  };
}

/** Encrypts a plaintext stream under the ring's current key. */
export class EncryptStream extends Transform {
  private readonly header: Buffer;
  private readonly prefix = randomBytes(8);
  private readonly key: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(ring: KeyRing) {
    super();
    this.key = ring.keys.get(ring.currentId)!;
    this.header = headerFor(ring.currentId, this.prefix);
    this.push(this.header);
  }

  private seal(plain: Buffer, final: boolean): Buffer {
    const { iv, aad } = frameParams(this.header, this.prefix, this.index++, final);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(aad);
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes > FRAME_SIZE) {
      let all = Buffer.concat(this.pending);
      // Strictly more than a frame: the final frame must stay shorter than a full one.
      while (all.length > FRAME_SIZE) {
        this.push(this.seal(all.subarray(0, FRAME_SIZE), false));
        all = all.subarray(FRAME_SIZE);
      }
      this.pending = [all];
      this.pendingBytes = all.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    let all = Buffer.concat(this.pending);
    if (all.length === FRAME_SIZE) {
      this.push(this.seal(all, false));
      all = Buffer.alloc(0);
    }
    this.push(this.seal(all, true));
    done();
  }
}

/** The key id an object was written under, read from its first bytes. */
export function keyIdOf(head: Buffer): string {
  if (head.length < MAGIC.length + 1 || !head.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not an encrypted recording (bad magic)');
  }
  const len = head[MAGIC.length]!;
  return head.toString('ascii', MAGIC.length + 1, MAGIC.length + 1 + len);
}

/** Decrypts a stream written by EncryptStream with any key of the ring; fails on any tampering. */
export class DecryptStream extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  private header?: Buffer;
  private prefix?: Buffer;
  private key?: Buffer;
  private index = 0;

  constructor(private readonly ring: KeyRing) {
    super();
  }

  private readHeader(): boolean {
    if (this.buffer.length < MAGIC.length + 1) return false;
    const id = keyIdOf(this.buffer);
    const end = MAGIC.length + 1 + id.length + 8 + 4;
    if (this.buffer.length < end) return false;
    const key = this.ring.keys.get(id);
    if (!key) throw new Error(`recording encrypted under key "${id}", which is not configured`);
    if (this.buffer.readUInt32BE(end - 4) !== FRAME_SIZE) throw new Error('unknown frame size');
    this.header = Buffer.from(this.buffer.subarray(0, end));
    this.prefix = this.header.subarray(end - 12, end - 4);
    this.key = key;
    this.buffer = this.buffer.subarray(end);
    return true;
  }

  private open(frame: Buffer, final: boolean): Buffer {
    const { iv, aad } = frameParams(this.header!, this.prefix!, this.index++, final);
    const decipher = createDecipheriv('aes-256-gcm', this.key!, iv).setAAD(aad);
    decipher.setAuthTag(frame.subarray(frame.length - TAG));
    return Buffer.concat([
      decipher.update(frame.subarray(0, frame.length - TAG)),
      decipher.final(),
    ]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      if (!this.header && !this.readHeader()) return done();
      // A full frame is final only if nothing follows it, which is known at the end: keep one back.
      while (this.buffer.length > FRAME_SIZE + TAG) {
        this.push(this.open(this.buffer.subarray(0, FRAME_SIZE + TAG), false));
        this.buffer = this.buffer.subarray(FRAME_SIZE + TAG);
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.header) throw new Error('encrypted recording truncated in its header');
      if (this.buffer.length < TAG || this.buffer.length >= FRAME_SIZE + TAG) {
        throw new Error('encrypted recording truncated');
      }
      this.push(this.open(this.buffer, true));
      done();
    } catch (err) {
      done(
        err instanceof Error && /auth/i.test(err.message)
          ? new Error('encrypted recording failed authentication')
          : (err as Error),
      );
    }
  }
}
