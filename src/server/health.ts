import type { FastifyInstance } from 'fastify';
import { withTimeout } from './timeout';

const CHECK_TIMEOUT_MS = 1500;

async function check(name: string, probe: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await withTimeout(CHECK_TIMEOUT_MS, probe());
    return [name, 'ok'];
  } catch (err) {
    return [name, `down: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`];
  }
}

export function healthRoutes(app: FastifyInstance): void {
  app.get('/healthz', () => Promise.resolve({ status: 'ok' }));

  // Readiness names each dependency so an operator sees which one is down.
  app.get('/readyz', async (_request, reply) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('postgres', () => app.db.query('SELECT 1')),
        check('temporal', () => app.temporal.workflowService.getSystemInfo({})),
      ]),
    );
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });
}
