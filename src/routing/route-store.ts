import type { Db } from '../db/pool';
import { matchRoutes, routeProblem, type CarrierRoute, type RouteKind } from './carrier-routes';

interface RouteRow {
  prefix: string;
  priority: number;
  kind: RouteKind;
  trunk_sid: string | null;
  target: string | null;
  description: string | null;
}

const toRoute = (r: RouteRow): CarrierRoute => ({
  prefix: r.prefix,
  priority: r.priority,
  kind: r.kind,
  trunkSid: r.trunk_sid,
  target: r.target,
  description: r.description,
});

/** Every route, by prefix and priority. */
export async function listCarrierRoutes(db: Db): Promise<CarrierRoute[]> {
  const { rows } = await db.query<RouteRow>(
    `SELECT prefix, priority, kind, trunk_sid, target, description
       FROM carrier_routes ORDER BY prefix, priority`,
  );
  return rows.map(toRoute);
}

/** Adds a route, or replaces the one at the same prefix and priority; refuses an invalid one. */
export async function putCarrierRoute(db: Db, route: CarrierRoute): Promise<CarrierRoute> {
  const problem = routeProblem(route);
  if (problem) throw new Error(problem);
  await db.query(
    `INSERT INTO carrier_routes (prefix, priority, kind, trunk_sid, target, description)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (prefix, priority) DO UPDATE SET kind = EXCLUDED.kind,
       trunk_sid = EXCLUDED.trunk_sid, target = EXCLUDED.target,
       description = EXCLUDED.description, updated_at = now()`,
    [
      route.prefix,
      route.priority,
      route.kind,
      route.trunkSid ?? null,
      route.target ?? null,
      route.description ?? null,
    ],
  );
  return route;
}

/** Removes one route (a priority) or all of a prefix; returns how many went. */
export async function removeCarrierRoutes(
  db: Db,
  prefix: string,
  priority?: number,
): Promise<number> {
  const result =
    priority === undefined
      ? await db.query('DELETE FROM carrier_routes WHERE prefix = $1', [prefix])
      : await db.query('DELETE FROM carrier_routes WHERE prefix = $1 AND priority = $2', [
          prefix,
          priority,
        ]);
  return result.rowCount ?? 0;
}

/**
 * The routes for one destination: only rows whose prefix could match are read (the destination's
 * own prefixes and `*`), then the longest one wins in `matchRoutes`.
 */
export async function carrierRoutesFor(db: Db, destination: string): Promise<CarrierRoute[]> {
  const { rows } = await db.query<RouteRow>(
    `SELECT prefix, priority, kind, trunk_sid, target, description FROM carrier_routes
      WHERE prefix = '*' OR starts_with($1, prefix)`,
    [destination],
  );
  return matchRoutes(rows.map(toRoute), destination);
}
