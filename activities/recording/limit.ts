import { Context } from '@temporalio/activity';

/**
 * At most `max` of the wrapped activities run at once in this worker; the rest wait, heartbeating
 * so Temporal does not take them for dead. Media transfers and recognisers each hold a socket, a
 * file and a CPU, and a burst of recordings must not start them all together.
 */
export function limiter(max: number) {
  let active = 0;
  return async function limited<T>(fn: () => Promise<T>): Promise<T> {
    while (active >= max) {
      if (Context.current().cancellationSignal.aborted) throw new Error('cancelled while waiting');
      Context.current().heartbeat();
      await new Promise((r) => setTimeout(r, 250));
    }
    active++;
    try {
      return await fn();
    } finally {
      active--;
    }
  };
}
