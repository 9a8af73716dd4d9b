import type { Readable } from 'node:stream';

/** What a stored object carries beside its bytes. */
export interface ObjectMeta {
  /** The encryption key the object was written under (also in its header), so keys can rotate. */
  keyId: string;
}

/**
 * Where encrypted recordings live. Every write is all or nothing: an interrupted `put` leaves no
 * object under the key, so a retried download never finds a corrupt one.
 */
export interface ObjectStorage {
  /** `local` or `s3`, as stored in the recordings table. */
  readonly kind: string;
  /** Streams `body` to `key`; resolves with the bytes written once the object is complete. */
  put(key: string, body: Readable, meta: ObjectMeta): Promise<{ size: number }>;
  /** A stream of the object's bytes; rejects when there is none. */
  get(key: string): Promise<Readable>;
  /** The key id kept beside the object, or undefined when the object does not exist. */
  head(key: string): Promise<(ObjectMeta & { size: number }) | undefined>;
  /** Deletes the object; deleting one that is gone is success. */
  delete(key: string): Promise<void>;
}
