import type { IvrDefinition } from '../../workflows/ivr/types';
import type { Db } from '../db/pool';
import { validateIvr } from './validate';

/** Stores a new version of an IVR; the definition is validated first and its version must be new. */
export async function saveIvr(db: Db, input: unknown): Promise<IvrDefinition> {
  const def = validateIvr(input);
  const result = await db.query(
    `INSERT INTO ivr_definitions (ivr_id, version, name, definition) VALUES ($1, $2, $3, $4)
     ON CONFLICT (ivr_id, version) DO NOTHING`,
    [def.id, def.version, def.name, JSON.stringify(def)],
  );
  if (result.rowCount === 0) {
    // jsonb normalises key order, so compare in PostgreSQL rather than as strings.
    const { rows } = await db.query<{ same: boolean }>(
      'SELECT definition = $3::jsonb AS same FROM ivr_definitions WHERE ivr_id = $1 AND version = $2',
      [def.id, def.version, JSON.stringify(def)],
    );
    if (!rows[0]?.same) {
      throw new Error(
        `IVR ${def.id} version ${def.version} already exists with other content; bump the version`,
      );
    }
  }
  return def;
}

export async function routeNumber(db: Db, phoneNumber: string, ivrId: string): Promise<void> {
  const exists = await db.query('SELECT 1 FROM ivr_definitions WHERE ivr_id = $1 LIMIT 1', [ivrId]);
  if (exists.rowCount === 0) throw new Error(`no IVR "${ivrId}" has been loaded`);
  await db.query(
    `INSERT INTO number_routes (phone_number, ivr_id) VALUES ($1, $2)
     ON CONFLICT (phone_number) DO UPDATE SET ivr_id = EXCLUDED.ivr_id, updated_at = now()`,
    [phoneNumber, ivrId],
  );
}
