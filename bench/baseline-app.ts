import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../src/config';
import { renderPlan } from '../src/twiml/render';
import { assertTwilioSignature } from '../src/server/twilio-signature';
import { formParams } from '../src/server/twilio-params';
import { advanceIvr, startIvr } from '../workflows/ivr/engine';
import type { IvrDefinition } from '../workflows/ivr/types';

/**
 * The benchmark's control: the same signature check, parsing, IVR engine and TwiML rendering as
 * the real server, but stateless and without Temporal (the step in the URL stands in for state).
 */
export async function buildBaselineApp(
  config: Config,
  ivr: IvrDefinition,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(formbody);
  const base = config.PUBLIC_BASE_URL;
  const urls = {
    action: (ref: { step: string }, on: string) =>
      `${base}/voice/event?wf=x&step=${ref.step}&on=${on}`,
  };
  app.post('/voice/inbound', (request, reply) => {
    assertTwilioSignature(request, config);
    formParams(request.body);
    return reply.type('text/xml').send(renderPlan(startIvr(ivr, new Date()).plan, urls));
  });
  app.post('/voice/event', (request, reply) => {
    assertTwilioSignature(request, config);
    const params = formParams(request.body);
    const { step = '', on = '' } = request.query as Record<string, string>;
    const [seq, node = ivr.start] = step.split('.');
    const state = { node, seq: Number(seq), attempts: 0, ended: false };
    const input =
      on === 'dial'
        ? { kind: 'dial' as const, status: params.DialCallStatus ?? 'failed' }
        : { kind: 'gather' as const, digits: params.Digits };
    return reply
      .type('text/xml')
      .send(renderPlan(advanceIvr(ivr, state, input, new Date()).plan, urls));
  });
  app.get('/healthz', () => Promise.resolve({ status: 'ok' }));
  app.post('/voice/status', (request, reply) => {
    assertTwilioSignature(request, config);
    return reply.code(204).send();
  });
  return app;
}
