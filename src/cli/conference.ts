import 'dotenv/config';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config';
import { conferenceCommands } from './conference-commands';

let config: Config | undefined;

const program = new Command()
  .name('conference')
  .description(
    'Conferences: list and show them, warm transfer, supervise (monitor, coach, barge) and moderate (mute, unmute, hold, unhold, kick, end); every action is audited',
  )
  .showHelpAfterError();

conferenceCommands(program, { config: () => (config ??= loadConfig()) });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
