import 'dotenv/config';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config';
import { connectClient } from '../temporal/connect';
import { campaignCommands } from './campaign-commands';

let config: Config | undefined;
const getConfig = (): Config => (config ??= loadConfig());

const program = new Command()
  .name('campaign')
  .description('Outbound campaigns with SMS fallback, through the Temporal client')
  .showHelpAfterError();

campaignCommands(program, getConfig, () => connectClient(getConfig()));

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
