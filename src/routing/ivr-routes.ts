import type { IvrDefinition, IvrNode } from '../../workflows/ivr/types';
import { resolveRoutes, type CarrierRoute } from './carrier-routes';

export type RouteLookup = (destination: string) => Promise<CarrierRoute[]>;

/** Whether any transfer of the IVR asks for carrier routing (and has no hand-written routes). */
export function usesCarrierRouting(ivr: IvrDefinition): boolean {
  return Object.values(ivr.nodes).some(
    (n) => n.type === 'transfer' && n.carrierRouting === true && !n.routes,
  );
}

/**
 * The IVR a call starts with, its carrier-routed transfers resolved against the route table: the
 * workflow cannot read PostgreSQL, so the routes travel in the IVR snapshot of its input, and
 * every later decision (and every replay) sees the same ones. A transfer whose target no route
 * matches keeps dialing its target. The registry's definition is never modified.
 */
export async function withCarrierRoutes(
  ivr: IvrDefinition,
  lookup: RouteLookup,
): Promise<IvrDefinition> {
  if (!usesCarrierRouting(ivr)) return ivr;
  const nodes: Record<string, IvrNode> = {};
  for (const [id, node] of Object.entries(ivr.nodes)) {
    if (node.type !== 'transfer' || node.carrierRouting !== true || node.routes) {
      nodes[id] = node;
      continue;
    }
    const routes = resolveRoutes(await lookup(node.target.to), node.target.to);
    nodes[id] = routes.length > 0 ? { ...node, routes } : node;
  }
  return { ...ivr, nodes };
}
