import type { Client } from '@temporalio/client';

/** Opens a Temporal client; the campaign commands take it so tests can hand in their own. */
export type Connect = () => Promise<Client>;

/** Runs `fn` with a client from `connect`, and closes its connection after. */
export async function withClient<T>(
  connect: Connect,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await connect();
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}
