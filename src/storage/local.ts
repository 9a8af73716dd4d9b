import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { ObjectMeta, ObjectStorage } from './types';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9/._-]{0,300}$/;

/**
 * Objects as files under one directory: `<key>` holds the bytes, `<key>.meta.json` the key id.
 * A write goes to a temporary name and is renamed into place once complete (rename is atomic on
 * one filesystem), so a reader never sees half an object.
 */
export function localStorage(root: string): ObjectStorage {
  const fileOf = (key: string): string => {
    if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`bad object key "${key}"`);
    return path.join(root, key);
  };
  return {
    kind: 'local',
    async put(key: string, body: Readable, meta: ObjectMeta) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.${randomBytes(6).toString('hex')}.part`;
      try {
        await pipeline(body, createWriteStream(temp, { mode: 0o600 }));
        await writeFile(`${file}.meta.json`, JSON.stringify(meta), { mode: 0o600 });
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return { size: (await stat(file)).size };
    },
    async get(key: string) {
      const file = fileOf(key);
      await stat(file);
      return createReadStream(file);
    },
    async head(key: string) {
      const file = fileOf(key);
      try {
        const { size } = await stat(file);
        const meta = JSON.parse(await readFile(`${file}.meta.json`, 'utf8')) as ObjectMeta;
        return { keyId: meta.keyId, size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async delete(key: string) {
      const file = fileOf(key);
      await rm(file, { force: true });
      await rm(`${file}.meta.json`, { force: true });
    },
  };
}
