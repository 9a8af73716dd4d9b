import { apiErrors } from './errors';

/** A form body or query string as fastify parses it: repeated keys become arrays. */
export type Params = Record<string, string | string[] | undefined>;

export function asParams(value: unknown): Params {
  return value && typeof value === 'object' ? (value as Params) : {};
}

export function str(p: Params, key: string): string | undefined {
  const v = p[key];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined || one === '' ? undefined : one;
}

export function list(p: Params, key: string): string[] | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
}

export function bool(p: Params, key: string): boolean | undefined {
  const v = str(p, key);
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  throw apiErrors.invalidParam(key, v);
}

export function int(p: Params, key: string, fallback: number): number {
  const v = str(p, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw apiErrors.invalidParam(key, v);
  return n;
}

export function method(p: Params, key: string): 'GET' | 'POST' | undefined {
  const v = str(p, key);
  if (v === undefined) return undefined;
  const up = v.toUpperCase();
  if (up !== 'GET' && up !== 'POST') throw apiErrors.invalidParam(key, v);
  return up;
}

/** Twilio requires absolute http(s) URLs for webhooks given over REST. */
export function absoluteUrl(p: Params, key: string): string | undefined {
  const v = str(p, key);
  if (v === undefined) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return v;
  } catch {
    // fall through to the Twilio error below
  }
  throw apiErrors.invalidParam(key, v);
}

/** `CA…json` → `CA…`; media requests keep their extension apart. */
export function splitFile(file: string): { id: string; ext: string } {
  const dot = file.indexOf('.');
  return dot < 0 ? { id: file, ext: '' } : { id: file.slice(0, dot), ext: file.slice(dot + 1) };
}

export function newestFirst<T extends { dateCreated: Date }>(items: Iterable<T>): T[] {
  return [...items].reverse();
}
