import 'dotenv/config';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config';
import { recordingCommands } from './recording-commands';

let config: Config | undefined;
const getConfig = (): Config => (config ??= loadConfig());

const program = new Command()
  .name('recording')
  .description(
    'Recordings: list, read (audited), legal hold, purge, retention policy, key rotation',
  )
  .showHelpAfterError();

recordingCommands(program, getConfig);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
