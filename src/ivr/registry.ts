import type { IvrDefinition } from '../../workflows/ivr/types';
import type { Db } from '../db/pool';
import { validateIvr } from './validate';

const DEFAULT_ROUTE = '*';

/**
 * The IVRs the webhook server answers with, held in memory so the inbound hot path does no I/O.
 * Refreshed from PostgreSQL on an interval; every definition is validated before it can be served.
 */
export class IvrRegistry {
  private routes = new Map<string, IvrDefinition>();
  /** False until routes were read once: until then, no route is not the same as not in service. */
  loaded = false;
  /** Every version ever served, by `id@version`: versions are immutable, so this never goes stale. */
  private readonly versions = new Map<string, IvrDefinition>();

  static fromDefinitions(routes: Record<string, IvrDefinition>): IvrRegistry {
    const registry = new IvrRegistry();
    registry.routes = new Map(Object.entries(routes).map(([n, d]) => [n, validateIvr(d)]));
    for (const def of registry.routes.values()) registry.remember(def);
    registry.loaded = true;
    return registry;
  }

  private remember(def: IvrDefinition): IvrDefinition {
    this.versions.set(`${def.id}@${def.version}`, def);
    return def;
  }

  /**
   * One exact version of an IVR: a call keeps the version it started with even after a newer one
   * is routed. Versions not seen yet are read from PostgreSQL once.
   */
  async version(
    db: Db | undefined,
    id: string,
    version: number,
  ): Promise<IvrDefinition | undefined> {
    const known = this.versions.get(`${id}@${version}`);
    if (known || !db) return known;
    const { rows } = await db.query<{ definition: unknown }>(
      'SELECT definition FROM ivr_definitions WHERE ivr_id = $1 AND version = $2',
      [id, version],
    );
    return rows[0] ? this.remember(validateIvr(rows[0].definition)) : undefined;
  }

  /** The IVR for a called number, or the default route's. */
  resolve(calledNumber: string): IvrDefinition | undefined {
    return this.routes.get(calledNumber) ?? this.routes.get(DEFAULT_ROUTE);
  }

  get size(): number {
    return this.routes.size;
  }

  /** Loads each route's newest IVR version; an invalid stored definition is skipped and reported. */
  async refresh(
    db: Db,
    onInvalid: (ivrId: string, err: Error) => void = () => undefined,
  ): Promise<void> {
    const { rows } = await db.query<{ phone_number: string; ivr_id: string; definition: unknown }>(
      `SELECT r.phone_number, r.ivr_id, d.definition
         FROM number_routes r
         JOIN LATERAL (SELECT definition FROM ivr_definitions
                        WHERE ivr_id = r.ivr_id ORDER BY version DESC LIMIT 1) d ON true`,
    );
    const next = new Map<string, IvrDefinition>();
    for (const row of rows) {
      try {
        next.set(row.phone_number, this.remember(validateIvr(row.definition)));
      } catch (err) {
        onInvalid(row.ivr_id, err as Error);
        const previous = this.routes.get(row.phone_number);
        if (previous) next.set(row.phone_number, previous);
      }
    }
    this.routes = next;
    this.loaded = true;
  }
}
