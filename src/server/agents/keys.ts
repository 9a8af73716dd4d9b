import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A Voice SDK identity: Twilio allows up to 121 characters and reaches the agent as
 * `client:<identity>`, so it is kept to characters that need no escaping in TwiML or URLs.
 */
export const AGENT_IDENTITY = /^[A-Za-z0-9_.-]{1,121}$/;

/** An agent as configured: the identity and the SHA-256 (hex) of its API key, never the key. */
export interface AgentKey {
  readonly identity: string;
  readonly keySha256: string;
}

const ENTRY = /^([^:]+):([0-9a-fA-F]{64})$/;

/**
 * Parses `AGENT_API_KEYS`: comma-separated `identity:sha256hex`. Returns the agents, or the
 * problem with the first bad entry (named by position: the entry itself is a credential's hash).
 */
export function parseAgentKeys(text: string): AgentKey[] | string {
  const agents: AgentKey[] = [];
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const match = ENTRY.exec(entry);
    const identity = match?.[1];
    const keySha256 = match?.[2]?.toLowerCase();
    if (identity === undefined || keySha256 === undefined || !AGENT_IDENTITY.test(identity)) {
      return `entry ${index + 1} must be identity:sha256-hex of the key (npm run cli -- agent key <identity>)`;
    }
    if (agents.some((a) => a.identity === identity)) {
      return `entry ${index + 1} repeats identity ${identity}`;
    }
    agents.push({ identity, keySha256 });
  }
  return agents;
}

export function hashAgentKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random API key (256 bits) and the `AGENT_API_KEYS` entry that admits it. */
export function mintAgentKey(identity: string): { key: string; entry: string } {
  const key = `sba_${randomBytes(32).toString('base64url')}`;
  return { key, entry: `${identity}:${hashAgentKey(key)}` };
}

/**
 * The agent a presented key belongs to. Every configured hash is compared in constant time and
 * none is skipped, so neither timing nor position tells a caller how close a guess came.
 */
export function findAgent(agents: readonly AgentKey[], presented: string): AgentKey | undefined {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found: AgentKey | undefined;
  for (const agent of agents) {
    if (timingSafeEqual(Buffer.from(agent.keySha256, 'hex'), digest)) found ??= agent;
  }
  return found;
}
