import { withRoutes } from '../../workflows/ivr/routes';
import type { DialRoute, IvrDefinition } from '../../workflows/ivr/types';
import { resolveRoutes, type CarrierRoute } from './carrier-routes';

export type RouteLookup = (destination: string) => Promise<CarrierRoute[]>;

/** Whether any transfer of the IVR asks for carrier routing (and has no hand-written routes). */
export function usesCarrierRouting(ivr: IvrDefinition): boolean {
  return Object.values(ivr.nodes).some(
    (n) => n.type === 'transfer' && n.carrierRouting === true && !n.routes,
  );
}

/**
 * The routes of an IVR's carrier-routed transfers, by node id, from the route table: the workflow
 * cannot read PostgreSQL, so they travel in its input (`CallInput.carrierRoutes`) and every later
 * decision, and every replay, sees the same ones. A transfer no route matches is left out (it
 * dials its target); undefined when nothing was routed.
 */
export async function carrierRoutesOf(
  ivr: IvrDefinition,
  lookup: RouteLookup,
): Promise<Record<string, DialRoute[]> | undefined> {
  if (!usesCarrierRouting(ivr)) return undefined;
  const out: Record<string, DialRoute[]> = {};
  for (const [id, node] of Object.entries(ivr.nodes)) {
    if (node.type !== 'transfer' || node.carrierRouting !== true || node.routes) continue;
    const routes = resolveRoutes(await lookup(node.target.to), node.target.to);
    if (routes.length > 0) out[id] = routes;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The IVR with its routes in place, as the call workflow decides with it. */
export async function withCarrierRoutes(
  ivr: IvrDefinition,
  lookup: RouteLookup,
): Promise<IvrDefinition> {
  return withRoutes(ivr, await carrierRoutesOf(ivr, lookup));
}
