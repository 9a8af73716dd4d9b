import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from './core';
import { describeEntry } from './describe';
import { isValidVoiceAddress } from './phone';
import type { GatherInput, PartyScript, RecordInput, VerbName } from './script';
import { buildSimulator } from './simulator';

function address(value: string): string {
  if (!isValidVoiceAddress(value)) {
    throw new InvalidArgumentError('expected E.164 (+ and 8-15 digits), client:name or sip:...');
  }
  return value;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

// Commander calls these collectors in command-line order, so --press and --say interleave as typed.
const gathers: GatherInput[] = [];
const records: RecordInput[] = [];

const program = new Command()
  .name('npm run call --')
  .description(
    'Place a simulated inbound call against a running webhook server and print the conversation.',
  )
  .option('--to <number>', 'the called number (your Twilio number)', address, '+15005550006')
  .option('--from <number>', 'the caller', address, '+14155550100')
  .option('--url <url>', 'Voice URL (default: $PUBLIC_BASE_URL/voice/inbound)')
  .option('--press <digits>', 'digits for the next <Gather> (repeatable)', (v: string) => {
    gathers.push({ digits: v });
    return v;
  })
  .option('--say <text>', 'speech for the next <Gather> (repeatable)', (v: string) => {
    gathers.push({ speech: v, confidence: 0.92 });
    return v;
  })
  .option('--silent', 'stay silent at the next <Gather> (repeatable)', () => {
    gathers.push({ silence: true });
    return true;
  })
  .option('--record <text>', 'what to say at the next <Record> (repeatable)', (v: string) => {
    records.push({ text: v });
    return v;
  })
  .option('--hangup-after <verbs>', 'hang up after this many verbs', positiveInt)
  .option('--hangup-during <verb>', 'hang up during the first verb of this name (e.g. Record)')
  .option('--script <file>', 'a JSON party script (see src/sim/README.md); flags add to it')
  .option('--status-callback <url>', 'status callback URL for the call')
  .option('--fallback-url <url>', 'fallback URL, requested when the Voice URL fails')
  .option(
    '--webhook-timeout <ms>',
    "how long to wait for TwiML (Twilio's is 15000)",
    positiveInt,
    15000,
  )
  .option('--serve <port>', 'also serve the REST API (recording media) on this port', positiveInt)
  .option(
    '--linger <seconds>',
    'with --serve, keep serving this long after the call',
    positiveInt,
    10,
  )
  .option('--realtime', 'really wait for pauses and speech')
  .option('--json', 'print the transcript as JSON lines instead of text')
  .showHelpAfterError('(add --help for every option)')
  .addHelpText(
    'after',
    [
      '',
      'Environment (also read from .env):',
      '  PUBLIC_BASE_URL     the default --url is $PUBLIC_BASE_URL/voice/inbound',
      "  TWILIO_ACCOUNT_SID  the caller's account (default: the simulator's)",
      "  TWILIO_AUTH_TOKEN   signs every webhook (default: the simulator's)",
    ].join('\n'),
  );

interface Flags {
  to: string;
  from: string;
  url?: string;
  hangupAfter?: number;
  hangupDuring?: string;
  script?: string;
  statusCallback?: string;
  fallbackUrl?: string;
  webhookTimeout: number;
  serve?: number;
  linger: number;
  realtime?: boolean;
  json?: boolean;
}

async function main(): Promise<number> {
  program.parse();
  const flags = program.opts<Flags>();
  const base = process.env.PUBLIC_BASE_URL?.replace(/\/+$/, '');
  const voiceUrl = flags.url ?? (base ? `${base}/voice/inbound` : undefined);
  if (!voiceUrl) {
    console.error('No Voice URL: pass --url or set PUBLIC_BASE_URL (in .env).');
    return 2;
  }
  const fromFile: PartyScript = flags.script
    ? (JSON.parse(readFileSync(flags.script, 'utf8')) as PartyScript)
    : {};
  const script: PartyScript = {
    ...fromFile,
    gathers: [...(fromFile.gathers ?? []), ...gathers],
    records: [...(fromFile.records ?? []), ...records],
    ...(flags.hangupAfter !== undefined ? { hangupAfterVerbs: flags.hangupAfter } : {}),
    ...(flags.hangupDuring ? { hangupDuring: flags.hangupDuring as VerbName } : {}),
  };
  const sim = buildSimulator({
    accountSid: process.env.TWILIO_ACCOUNT_SID || DEFAULT_ACCOUNT_SID,
    authToken: process.env.TWILIO_AUTH_TOKEN || DEFAULT_AUTH_TOKEN,
    webhookTimeoutMs: flags.webhookTimeout,
    realtime: flags.realtime ?? false,
  });
  if (flags.serve !== undefined) console.log(`REST API on ${await sim.start(flags.serve)}`);
  console.log(`Calling ${voiceUrl} from ${flags.from} to ${flags.to}`);
  const run = await sim.placeInboundCall({
    to: flags.to,
    from: flags.from,
    voiceUrl,
    script,
    ...(flags.statusCallback ? { statusCallback: flags.statusCallback } : {}),
    ...(flags.fallbackUrl ? { fallbackUrl: flags.fallbackUrl } : {}),
    onEntry: (e) => console.log(flags.json ? JSON.stringify(e) : describeEntry(e)),
  });
  await sim.idle();
  console.log(
    `Call ${run.callSid} ended: ${run.status}, ${run.durationSec}s` +
      (run.unsupportedVerbs.length
        ? `, unsupported verbs: ${run.unsupportedVerbs.join(', ')}`
        : '') +
      (run.errors.length ? `, errors: ${run.errors.map((e) => e.code).join(', ')}` : ''),
  );
  if (flags.serve !== undefined && flags.linger > 0) {
    console.log(`Serving recordings for ${flags.linger}s more…`);
    await new Promise((r) => setTimeout(r, flags.linger * 1000));
  }
  await sim.close();
  return run.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
