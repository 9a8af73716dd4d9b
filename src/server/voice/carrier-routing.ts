import type { FastifyBaseLogger } from 'fastify';
import type { CallInput } from '../../../workflows/call/definitions';
import { carrierRoutesOf, usesCarrierRouting } from '../../routing/ivr-routes';
import { carrierRoutesFor } from '../../routing/route-store';
import type { VoiceContext } from './context';

/**
 * A call's start input with its carrier routes, for every path that may start the workflow (the
 * inbound webhook, or a status callback that overtook it). Update mode only: in journal mode the
 * server decides from IVR versions alone, so routed transfers dial their targets there. Without
 * the route table the call still goes on, dialing targets.
 */
export async function withCallRoutes(
  ctx: VoiceContext,
  input: CallInput,
  log: FastifyBaseLogger,
): Promise<CallInput> {
  const { config, db } = ctx.app;
  if (config.WEBHOOK_MODE !== 'update' || !usesCarrierRouting(input.ivr)) return input;
  try {
    const routes = await carrierRoutesOf(input.ivr, (d) => carrierRoutesFor(db, d));
    return routes ? { ...input, carrierRoutes: routes } : input;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'carrier routes unavailable; transfers dial targets');
    return input;
  }
}
