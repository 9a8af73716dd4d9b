import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from './core';
import type { PartyScript } from './script';
import { buildSimulator } from './simulator';

/**
 * `npm run sim`: the REST simulator as a process, for the worker and the local demo.
 * SIM_PORT (3100), TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN (the simulator's defaults),
 * SIM_MESSAGING_WEBHOOK_URL (inbound SMS target) and SIM_PARTIES_FILE (JSON: number → script).
 */
async function main(): Promise<void> {
  const port = Number(process.env.SIM_PORT || 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`SIM_PORT is malformed: ${process.env.SIM_PORT}`);
  const sim = buildSimulator({
    accountSid: process.env.TWILIO_ACCOUNT_SID || DEFAULT_ACCOUNT_SID,
    authToken: process.env.TWILIO_AUTH_TOKEN || DEFAULT_AUTH_TOKEN,
    ...(process.env.SIM_MESSAGING_WEBHOOK_URL
      ? { messagingWebhookUrl: process.env.SIM_MESSAGING_WEBHOOK_URL }
      : {}),
    logger: true,
  });
  if (process.env.SIM_PARTIES_FILE) {
    const parties = JSON.parse(readFileSync(process.env.SIM_PARTIES_FILE, 'utf8')) as Record<
      string,
      PartyScript
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
