import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ObjectMeta, ObjectStorage } from './types';

export interface S3Options {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`), as most S3-compatible servers want. */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket. */
  prefix?: string;
}

const notFound = (err: unknown): boolean =>
  err instanceof S3ServiceException &&
  (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404);

/**
 * Objects in an S3-compatible bucket. A PutObject from a stream needs its length up front, and
 * the encrypted length is only known at the end, so a write is staged (already encrypted) in a
 * private temporary file and sent from there: memory stays bounded, and S3 makes the object
 * visible only once the whole PUT succeeded, so an interrupted write leaves nothing behind.
 */
export function s3Storage(options: S3Options): ObjectStorage {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Plain signed PUTs: S3-compatible servers differ in their support for streamed trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  const keyOf = (key: string): string => `${options.prefix ?? ''}${key}`;
  return {
    kind: 's3',
    async put(key: string, body: Readable, meta: ObjectMeta) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-put-'));
      const staged = path.join(dir, 'object');
      try {
        await pipeline(body, createWriteStream(staged, { mode: 0o600 }));
        const { size } = await stat(staged);
        await client.send(
          new PutObjectCommand({
            Bucket,
            Key: keyOf(key),
            Body: createReadStream(staged),
            ContentLength: size,
            ContentType: 'application/octet-stream',
            Metadata: { 'key-id': meta.keyId },
          }),
        );
        return { size };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async get(key: string) {
      const out = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(key) }));
      if (!(out.Body instanceof Readable)) throw new Error('S3 GetObject returned no stream');
      return out.Body;
    },
    async head(key: string) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(key) }));
        return { keyId: out.Metadata?.['key-id'] ?? '', size: out.ContentLength ?? 0 };
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async delete(key: string) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
    },
  };
}
