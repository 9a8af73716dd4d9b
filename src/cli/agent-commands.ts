import type { Command } from 'commander';
import { AGENT_IDENTITY, mintAgentKey } from '../server/agents/keys';

export function agentCommands(program: Command): void {
  const agent = program.command('agent').description('browser phone agents (Voice SDK tokens)');

  agent
    .command('key <identity>')
    .description(
      'mint a random API key for an agent and print the AGENT_API_KEYS entry (its SHA-256) to configure',
    )
    .action((identity: string) => {
      if (!AGENT_IDENTITY.test(identity)) {
        throw new Error(
          `"${identity}" is not an agent identity: 1 to 121 letters, digits, '_', '.' or '-'`,
        );
      }
      const { key, entry } = mintAgentKey(identity);
      // The key is shown once and stored nowhere: the server keeps only its hash.
      console.log(`key for ${identity} (give it to the agent; it is not stored): ${key}`);
      console.log(`add to AGENT_API_KEYS (comma-separated): ${entry}`);
    });
}
