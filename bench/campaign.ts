/**
 * Campaign benchmark: `npm run bench:campaign -- [options]` (`--help` lists them). Starts its own
 * Temporal dev server, database, simulator (as Twilio), webhook server and worker (separate
 * processes), runs one campaign through the Temporal client with a fixed mix of outcomes, and
 * checks pacing, exactly-once dialing and windows against what the simulator recorded.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createPool } from '../src/db/pool';
import { saveIvr } from '../src/ivr/store';
import { buildSimulator } from '../src/sim';
import { startCampaign } from '../src/campaign/start';
import type { Contact } from '../src/campaign/contacts';
import { connectClient } from '../src/temporal/connect';
import { freePort } from '../test/helpers/dev-server';
import { isWithinWindow, type DailyWindow } from '../workflows/campaign/window';
import { campaignFigures } from './campaign-metrics';
import { startProcess, startStack, waitFor } from './stack';

const options = {
  contacts: { type: 'string', default: '2000' },
  cps: { type: 'string', default: '10' },
  'max-concurrent': { type: 'string', default: '' },
  mix: { type: 'string', default: 'answer:60,busy:15,machine:15,no-answer:10' },
  'deadline-seconds': { type: 'string', default: '3600' },
  'webhook-mode': { type: 'string', default: 'update' },
  'temporal-nice': { type: 'string', default: '0' },
  'dump-histories': { type: 'string', default: '' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const meaning: Record<Exclude<keyof typeof options, 'help' | 'json'>, string> = {
  contacts: 'contacts in the campaign',
  cps: 'calls per second (the campaign and the account)',
  'max-concurrent': 'live calls at most (default: 20 × cps)',
  mix: 'outcome:percent list (answer, busy, machine, no-answer, failed)',
  'deadline-seconds': 'stop waiting after this long; contacts not done count as unreached',
  'webhook-mode': 'WEBHOOK_MODE of the server: update or journal (see the README)',
  'temporal-nice':
    'nice level of the Temporal dev server, which production runs on its own hosts (0: none)',
  'dump-histories': "write each campaign run's history to this folder, to read where time went",
};

function usage(): string {
  const lines = Object.entries(meaning).map(
    ([name, text]) =>
      `  --${name} <value>`.padEnd(28) +
      `${options[name as keyof typeof meaning].default || '-'}`.padEnd(42) +
      text,
  );
  return [
    'Usage: npm run bench:campaign -- [options]',
    '',
    'Runs one campaign through the simulator and checks pacing, duplicates and windows.',
    '',
    ...lines,
    '  --json'.padEnd(70) + 'print the JSON summary as one line, the last one',
    '  -h, --help'.padEnd(70) + 'print this help and exit',
  ].join('\n');
}

const WINDOW: DailyWindow = { start: '08:00', end: '21:00' };
const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Paris',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Asia/Kolkata',
];

/** Zones whose window stays open for the next two hours: the run must not straddle a closing. */
function openZones(now: number): string[] {
  const zones = ZONES.filter(
    (z) => isWithinWindow(now, z, WINDOW) && isWithinWindow(now + 2 * 3600_000, z, WINDOW),
  );
  if (zones.length === 0) throw new Error('no listed time zone has its window open for two hours');
  return zones;
}

type Outcome = 'answer' | 'busy' | 'machine' | 'no-answer' | 'failed';

function parseMix(text: string): [Outcome, number][] {
  return text.split(',').map((part) => {
    const [name, pct] = part.split(':');
    if (!['answer', 'busy', 'machine', 'no-answer', 'failed'].includes(name ?? '')) {
      throw new Error(`unknown outcome "${name}" in --mix`);
    }
    return [name as Outcome, Number(pct)];
  });
}

function outcomeFor(i: number, mix: [Outcome, number][]): Outcome {
  const slot = i % 100;
  let acc = 0;
  for (const [name, pct] of mix) {
    acc += pct;
    if (slot < acc) return name;
  }
  return 'answer';
}

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** The worker's `switchboard_campaign_dials_total` by result, scraped from its metrics port. */
async function dialResults(port: number): Promise<Record<string, number>> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const results: Record<string, number> = {};
  for (const m of text.matchAll(/^switchboard_campaign_dials_total\{result="([^"]+)"\} (\d+)/gm)) {
    results[m[1] as string] = Number(m[2]);
  }
  const gate = (name: string): number =>
    Number(
      new RegExp(`^switchboard_campaign_send_gate_wait_seconds_${name} (\\S+)`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  results.meanGateWaitMs = gate('count') > 0 ? (gate('sum') / gate('count')) * 1000 : 0;
  return results;
}

/** Every run of the campaign workflow as history JSON, one file each named by its start time. */
async function dumpCampaignRuns(client: Client, workflowId: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    n += 1;
    const history = await client.workflow.getHandle(workflowId, wf.runId).fetchHistory();
    writeFileSync(path.join(dir, `run-${wf.startTime.toISOString()}.json`), historyToJSON(history));
  }
  console.error(`${n} runs of ${workflowId} written to ${dir}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options, strict: true });
  if (values.help) {
    console.log(usage());
    return;
  }
  const total = Number(values.contacts);
  const cps = Number(values.cps);
  if (!(total > 0) || !(cps > 0)) throw new Error('--contacts and --cps must be positive');
  // Leases = rate × how long each is held (Little's law), and the cap must not be what limits the
  // rate under test. A lease is held from its claim, seconds before the create, until the call
  // ends; and while the campaign continues as new (up to 20 s here) the attempts already started
  // carry the rate alone. At 10 × cps the leases bound there: 9.74 calls a second, 9.83 at 20 ×.
  const maxConcurrent = values['max-concurrent'] ? Number(values['max-concurrent']) : cps * 20;
  const mix = parseMix(values.mix);
  const webhookMode = values['webhook-mode'];
  if (webhookMode !== 'update' && webhookMode !== 'journal') {
    throw new Error('--webhook-mode must be update or journal');
  }
  const log = (msg: string): void => {
    if (!values.json) console.log(msg);
  };

  const temporalNice = Number(values['temporal-nice']);
  if (!Number.isInteger(temporalNice) || temporalNice < 0 || temporalNice > 19) {
    throw new Error('--temporal-nice must be a whole number from 0 to 19');
  }
  const stack = await startStack(
    'switchboard_bench_campaign_test',
    temporalNice > 0 ? ['nice', '-n', String(temporalNice)] : [],
  );
  // The simulator keeps Twilio's CPS queue: a campaign that over-created would see calls queued.
  const sim = buildSimulator({ seed: 11, callsPerSecond: cps });
  const simBase = await sim.start(0);
  const port = await freePort();
  const metricsPort = await freePort();
  const env = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    HTTP_PORT: String(port),
    TWILIO_ACCOUNT_SID: sim.accountSid,
    TWILIO_AUTH_TOKEN: sim.authToken,
    TWILIO_API_BASE_URL: simBase,
    TWILIO_ACCOUNT_CPS: String(cps),
    TWILIO_REST_RATE_PER_SECOND: String(cps * 4 + 20),
    LOG_LEVEL: 'warn',
    WEBHOOK_MODE: webhookMode,
    WORKER_METRICS_PORT: String(metricsPort),
    TEMPORAL_SDK_METRICS_PORT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  };
  const db = createPool(stack.databaseUrl, 4);
  try {
    await saveIvr(db, JSON.parse(readFileSync(path.join(__dirname, 'campaign-ivr.json'), 'utf8')));
    const server = startProcess('src/server/main.ts', env);
    const worker = startProcess('src/worker/main.ts', env);
    stack.children.push(server, worker);
    await waitFor(`http://127.0.0.1:${port}/healthz`);

    const zones = openZones(Date.now());
    const contacts: Contact[] = [];
    for (let i = 0; i < total; i += 1) {
      const phone = `+1415${String(1000000 + i).padStart(7, '0')}`;
      const outcome = outcomeFor(i, mix);
      sim.setParty(
        phone,
        outcome === 'machine'
          ? { answer: 'machine', answeredBy: 'machine_end_beep' }
          : { answer: outcome },
      );
      sim.setMessageOutcome(phone, 'delivered');
      contacts.push({
        line: i + 2,
        phone,
        timeZone: zones[i % zones.length] as string,
        variables: {},
      });
    }
    const client = await connectClient({
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
    });
    const campaignId = `bench${Date.now().toString(36)}`;
    log(`campaign ${campaignId}: ${total} contacts at ${cps} cps, ${maxConcurrent} live at most`);
    const started = Date.now();
    const handle = await startCampaign(client, {
      campaignId,
      settings: {
        name: 'bench',
        from: '+15005550006',
        ivrId: 'bench-campaign',
        cps,
        maxConcurrent,
        window: WINDOW,
        maxAttempts: 2,
        retryAfterSeconds: 2,
        amd: 'voicemail',
        voicemailMessage: 'Please call us back.',
        sms: 'We tried to reach you.',
      },
      contacts,
      taskQueue: 'switchboard',
    });
    const timer = setInterval(() => {
      void handle
        .query('campaignStatus')
        .then((s) => {
          const p = (s as { progress: { done: number; dialed: number } }).progress;
          log(
            `  ${Math.round((Date.now() - started) / 1000)} s: ${p.done}/${total} done, ${p.dialed} dialed`,
          );
        })
        .catch(() => undefined);
    }, 10_000);
    const deadline = Number(values['deadline-seconds']) * 1000;
    const finished = await Promise.race([
      handle.result().then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), deadline)),
    ]);
    clearInterval(timer);
    if (!finished) {
      log(`deadline reached: canceling the campaign`);
      await handle.executeUpdate('cancelCampaign').catch(() => undefined);
    }
    const elapsed = (Date.now() - started) / 1000;
    if (finished) await sim.idle();

    const calls = [...sim.core.store.calls.values()]
      .filter((c) => c.direction === 'outbound-api')
      .map((c) => ({ to: c.to, createdAt: c.dateCreated.getTime() }));
    const { rows } = await db.query<{
      phone: string;
      time_zone: string;
      outcome: string | null;
      attempts: number;
    }>('SELECT phone, time_zone, outcome, attempts FROM campaign_contacts WHERE campaign_id = $1', [
      campaignId,
    ]);
    const figures = campaignFigures(
      calls,
      rows.map((r) => ({
        phone: r.phone,
        timeZone: r.time_zone,
        outcome: r.outcome,
        attempts: r.attempts,
      })),
      WINDOW,
    );
    let maxHistoryEvents = 0;
    for await (const wf of client.workflow.list({ query: `CampaignId = '${campaignId}'` })) {
      maxHistoryEvents = Math.max(maxHistoryEvents, wf.historyLength);
    }
    if (values['dump-histories']) {
      await dumpCampaignRuns(client, `campaign-${campaignId}`, values['dump-histories']);
    }
    const smsSent = [...sim.core.store.messages.values()].filter(
      (m) => m.direction === 'outbound-api',
    ).length;
    const dials = await dialResults(metricsPort);
    const summary = {
      contacts: figures.contacts,
      configuredCps: cps,
      webhookMode,
      achievedCps: figures.achievedCps,
      maxCallsInOneSecond: figures.maxCallsInOneSecond,
      duplicates: figures.duplicates,
      unreached: figures.unreached,
      outsideWindow: figures.outsideWindow,
      missedSlots: dials.missed ?? 0,
      meanGateWaitMs: Math.round((dials.meanGateWaitMs ?? 0) * 10) / 10,
      maxConcurrent,
      smsSent,
      maxHistoryEvents,
      workerPeakRssMb: peakRssMb(worker.pid),
      calls: figures.calls,
      finished,
      elapsedSeconds: Math.round(elapsed),
    };
    const table = Object.entries(summary).map(([k, v]) => `  ${k.padEnd(22)}${String(v)}`);
    log(['', ...table].join('\n'));
    if (values.json) console.log(JSON.stringify(summary));
    await client.connection.close();
  } finally {
    await db.end();
    await sim.close();
    await stack.stop();
  }
}

// Exit once the figures are out: a pooled keep-alive socket must not hold the benchmark open.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
