import { Command } from 'commander';
import { inject, vi } from 'vitest';

/**
 * Runs one `npm run cli -- <group> …` command in-process against the test database and returns
 * what it printed. Callers restore the console spy (`vi.restoreAllMocks()`) after each test.
 */
export async function runCli(
  register: (program: Command, databaseUrl: () => string) => void,
  group: string,
  args: string[],
): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const program = new Command().exitOverride();
  register(program, () => inject('databaseUrl'));
  await program.parseAsync([group, ...args], { from: 'user' });
  return lines.join('\n');
}
