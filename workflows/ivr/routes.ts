import type { IvrInput, IvrOutcome, IvrState } from './engine';
import type { DialRoute, IvrDefinition, TransferNode } from './types';
import { interactiveVerbs } from './verbs';

/**
 * A transfer with routes tries the next one when the last answered busy or failed, or with a SIP
 * error from the far end (4xx–6xx other than 408/487, which are Twilio's own no-answer timeouts).
 * No answer is not a carrier failure: it goes to `onNoAnswer` as before.
 */
export function nextRoute(
  def: IvrDefinition,
  node: TransferNode,
  state: IvrState,
  input: Extract<IvrInput, { kind: 'dial' }>,
): IvrOutcome | undefined {
  const routes = node.routes;
  if (!routes || state.attempts + 1 >= routes.length) return undefined;
  const sip = input.sipResponseCode;
  const carrierFailed =
    input.status === 'busy' ||
    input.status === 'failed' ||
    (sip !== undefined && sip >= 400 && sip !== 408 && sip !== 487);
  if (!carrierFailed || input.status === 'completed' || input.status === 'answered')
    return undefined;
  const next: IvrState = { ...state, attempts: state.attempts + 1, seq: state.seq + 1 };
  return {
    state: next,
    plan: { verbs: interactiveVerbs(def, next, node, []) },
    effects: [
      {
        kind: 'transfer-fallback',
        node: state.node,
        status: input.status,
        ...(sip !== undefined ? { sipResponseCode: sip } : {}),
        route: next.attempts,
      },
    ],
  };
}

/**
 * The IVR a call decides with: its carrier-routed transfers given the routes the server resolved
 * when the call started. Without routes it is the very same definition (every older call).
 */
export function withRoutes(
  ivr: IvrDefinition,
  routes: Record<string, DialRoute[]> | undefined,
): IvrDefinition {
  if (!routes) return ivr;
  const nodes = { ...ivr.nodes };
  for (const [id, list] of Object.entries(routes)) {
    const node = nodes[id];
    if (
      node?.type === 'transfer' &&
      node.carrierRouting === true &&
      !node.routes &&
      list.length > 0
    )
      nodes[id] = { ...node, routes: list };
  }
  return { ...ivr, nodes };
}
