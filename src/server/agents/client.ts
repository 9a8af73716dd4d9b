import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskPhone } from '../../../workflows/shared/phone';
import { assertTwilioSignature } from '../twilio-signature';
import { formParams } from '../twilio-params';
import { renderAgentCall, routeAgentCall } from './route';
import { agentSettings } from './settings';

/**
 * `POST /voice/client`: the TwiML App's Voice URL, requested when an agent's browser places a
 * call. Signed like every Twilio webhook; an answer is always TwiML, since an error status would
 * make Twilio play its application-error message (11200) to the agent.
 */
export function clientRoute(app: FastifyInstance): void {
  const settings = agentSettings(app.config);
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  app.post('/client', signed, async (request, reply) => {
    const params = formParams(request.body);
    const from = params.From ?? '';
    const to = params.To ?? '';
    const route = routeAgentCall(settings, from, to);
    const log = request.log.child({ callSid: params.CallSid });
    if (route.kind === 'refuse') {
      log.warn({ from, to: maskPhone(to), reason: route.reason }, 'agent call refused');
    } else {
      log.info({ from, to: maskPhone(to), kind: route.kind }, 'agent call');
    }
    return reply.type('text/xml; charset=utf-8').send(renderAgentCall(route));
  });
}
