import 'dotenv/config';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config';
import { alertsCommands } from './alerts-commands';
import { agentCommands } from './agent-commands';
import { callCommands } from './call-commands';
import { carrierRouteCommands } from './carrier-route-commands';
import { inboxCommands } from './inbox-commands';
import { ivrCommands } from './ivr-commands';

let config: Config | undefined;
const getConfig = (): Config => (config ??= loadConfig());

const program = new Command()
  .name('switchboard')
  .description('Operate Switchboard: IVRs, number routes and calls')
  .showHelpAfterError();

ivrCommands(program, () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required but missing');
  return url;
});
callCommands(program, getConfig);
agentCommands(program);
inboxCommands(program, () => getConfig().DATABASE_URL);
alertsCommands(program, () => getConfig().DATABASE_URL);
carrierRouteCommands(program, () => getConfig().DATABASE_URL);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
