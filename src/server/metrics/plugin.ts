import type { FastifyInstance } from 'fastify';
import { metricsRegistry } from '../../metrics/registry';

/**
 * `GET /metrics` for Prometheus. It is unsigned, like the health routes, so nothing in it may
 * identify a caller: labels are route templates, modes and status classes, never a number, a
 * CallSid or digits. Keep it off the public listener (a proxy rule) where scrapers are internal.
 */
export async function metricsPlugin(app: FastifyInstance): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const body = await metricsRegistry.metrics();
    return reply.type(metricsRegistry.contentType).send(body);
  });
  return Promise.resolve();
}
