import { createPool, type Db } from '../db/pool';
import { maskPhone } from '../../workflows/shared/phone';

/** Text from Twilio or other families may quote a caller's number; none is printed whole. */
export const maskNumbers = (text: string): string => text.replace(/\+\d{8,15}/g, maskPhone);

/** Left-aligned columns as wide as their widest cell; the last one runs free. */
export function table(header: readonly string[], rows: readonly string[][]): string {
  const lines = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...lines.map((cells) => cells[i]?.length ?? 0)));
  return lines
    .map((cells) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)))
    .map((cells) => cells.join('  ').trimEnd())
    .join('\n');
}

/** A one-connection pool for one command, closed however the command ends. */
export async function withDb<T>(databaseUrl: () => string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = createPool(databaseUrl(), 1);
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}
