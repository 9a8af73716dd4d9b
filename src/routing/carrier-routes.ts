import type { DialRoute } from '../../workflows/ivr/types';
import { e164Problem, sipUriProblem } from './destination';

/** How a route leaves: Twilio's carriers (pstn), your carrier through a BYOC trunk, or SIP. */
export type RouteKind = 'pstn' | 'byoc' | 'sip';

/** One row of the carrier route table. */
export interface CarrierRoute {
  /** Matched against the start of the destination: `+44`, `+1415555`, `sip:support@` or `*`. */
  prefix: string;
  /** 0 is tried first; each higher one is the fallback after the one before fails. */
  priority: number;
  kind: RouteKind;
  /** BYOC trunk sid (`BY…`) for `byoc`. */
  trunkSid?: string | null;
  /**
   * Where the route dials instead of the destination itself: a number for pstn/byoc (needed when
   * the destination is a SIP URI), a SIP URI for sip; `{number}` is replaced by the destination.
   */
  target?: string | null;
  description?: string | null;
}

const TRUNK_SID = /^BY[0-9a-fA-F]{32}$/;
/** The prefix of the catch-all route. */
export const ANY_DESTINATION = '*';

/** Why a route row cannot be stored; undefined when it is fine. */
export function routeProblem(r: CarrierRoute): string | undefined {
  if (r.prefix !== ANY_DESTINATION && !/^(\+\d{0,15}|sips?:[^\s]{0,200})$/.test(r.prefix))
    return `prefix "${r.prefix}" must be "*", a "+" and digits (e.g. +44), or the start of a SIP URI (e.g. sip:support@)`;
  if (!Number.isInteger(r.priority) || r.priority < 0 || r.priority > 9)
    return `priority ${r.priority} must be an integer from 0 (first) to 9`;
  if (r.kind === 'byoc' && !TRUNK_SID.test(r.trunkSid ?? ''))
    return `a byoc route needs --trunk BY… (a 34-character BYOC trunk sid), not "${r.trunkSid ?? ''}"`;
  if (r.kind !== 'byoc' && r.trunkSid) return `only byoc routes take a trunk`;
  if (r.target) {
    const sample = r.target.replaceAll('{number}', '+14155550100');
    const problem = r.kind === 'sip' ? sipUriProblem(sample) : e164Problem(sample);
    if (problem) return `target: ${problem}`;
  }
  return undefined;
}

/**
 * The routes for a destination: every row of the longest prefix that matches it (the catch-all
 * `*` last), ordered by priority. Empty when nothing matches.
 */
export function matchRoutes(table: readonly CarrierRoute[], destination: string): CarrierRoute[] {
  let best: string | undefined;
  for (const r of table) {
    const matches = r.prefix === ANY_DESTINATION || destination.startsWith(r.prefix);
    if (!matches) continue;
    if (best === undefined || rank(r.prefix) > rank(best)) best = r.prefix;
  }
  if (best === undefined) return [];
  return table.filter((r) => r.prefix === best).sort((a, b) => a.priority - b.priority);
}

const rank = (prefix: string): number => (prefix === ANY_DESTINATION ? -1 : prefix.length);

/**
 * What a route dials for a destination. A pstn or byoc route dials the destination when it is a
 * number, else its own target number; a sip route dials its target URI, else the destination
 * when that is a SIP URI. A route that has nothing dialable for this destination is skipped.
 */
export function dialRouteOf(route: CarrierRoute, destination: string): DialRoute | undefined {
  const target = route.target?.replaceAll('{number}', destination);
  if (route.kind === 'sip') {
    const to = target ?? destination;
    return sipUriProblem(to) ? undefined : { kind: 'sip', to };
  }
  const to = target ?? destination;
  if (e164Problem(to)) return undefined;
  return route.kind === 'byoc' && route.trunkSid
    ? { kind: 'number', to, byoc: route.trunkSid }
    : { kind: 'number', to };
}

/** The dial routes for a destination, first to last; empty when the table has nothing for it. */
export function resolveRoutes(table: readonly CarrierRoute[], destination: string): DialRoute[] {
  return matchRoutes(table, destination)
    .map((r) => dialRouteOf(r, destination))
    .filter((r): r is DialRoute => r !== undefined);
}
