import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from './core';
import type { PartyScript } from './script';
import { buildSimulator } from './simulator';

/** `npm run sim`: the REST simulator as a process, for the worker and the local demo. */
const USAGE = `Usage: npm run sim [-- --help]

Serves the Twilio REST simulator until SIGINT or SIGTERM, configured by the environment
(also read from .env):

  SIM_PORT                   port on 127.0.0.1 (default: 3100; 0 picks a free one)
  TWILIO_ACCOUNT_SID         account the REST API accepts (default: ${DEFAULT_ACCOUNT_SID})
  TWILIO_AUTH_TOKEN          its auth token; also signs webhooks (default: the simulator's)
  SIM_MESSAGING_WEBHOOK_URL  where inbound SMS are posted (default: none)
  SIM_PARTIES_FILE           JSON file: number -> party script, or a list taken one per call
  SIM_CALLS_PER_SECOND       the account's CPS: faster creates wait in queued (default: no limit)
  SIM_AMD_TIME_SCALE         real ms per ms of call time on async AMD calls (default: 0.1)

Options:
  -h, --help                 print this help and exit`;

/** `--help` prints the usage; anything else on the command line is a one-line error, exit 2. */
function parseCommandLine(): void {
  let help: boolean | undefined;
  try {
    help = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help;
  } catch (err) {
    console.error(`sim: ${err instanceof Error ? err.message : String(err)} (--help for usage)`);
    process.exit(2);
  }
  if (help) {
    console.log(USAGE);
    process.exit(0);
  }
}

/** A positive number from the environment, or undefined when unset. */
function positive(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} is malformed: ${raw}`);
  return value;
}

async function main(): Promise<void> {
  parseCommandLine();
  const callsPerSecond = positive('SIM_CALLS_PER_SECOND');
  const amdTimeScale = positive('SIM_AMD_TIME_SCALE');
  const port = Number(process.env.SIM_PORT || 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`SIM_PORT is malformed: ${process.env.SIM_PORT}`);
  const sim = buildSimulator({
    accountSid: process.env.TWILIO_ACCOUNT_SID || DEFAULT_ACCOUNT_SID,
    authToken: process.env.TWILIO_AUTH_TOKEN || DEFAULT_AUTH_TOKEN,
    ...(process.env.SIM_MESSAGING_WEBHOOK_URL
      ? { messagingWebhookUrl: process.env.SIM_MESSAGING_WEBHOOK_URL }
      : {}),
    ...(callsPerSecond !== undefined ? { callsPerSecond } : {}),
    ...(amdTimeScale !== undefined ? { amdTimeScale } : {}),
    logger: true,
  });
  if (process.env.SIM_PARTIES_FILE) {
    const parties = JSON.parse(readFileSync(process.env.SIM_PARTIES_FILE, 'utf8')) as Record<
      string,
      PartyScript | PartyScript[]
    >;
    for (const [number, script] of Object.entries(parties)) sim.setParty(number, script);
  }
  const url = await sim.start(port);
  sim.app.log.info({ url, accountSid: sim.accountSid }, 'Twilio simulator listening');
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
