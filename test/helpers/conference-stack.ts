import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Command } from 'commander';
import { inject, vi } from 'vitest';
import { createConferenceDeliverer } from '../../src/inbox/conference-deliverer';
import { startInboxRelay } from '../../src/inbox/relay';
import { buildSimulator, type Simulator } from '../../src/sim';
import { createTwilioClient, type TwilioClient } from '../../src/twilio/client';
import { createTwilioWorker } from '../../src/worker/twilio-worker';
import { conferenceCommands } from '../../src/cli/conference-commands';
import { conferenceState } from '../../src/cli/conference-show';
import type { ConferenceSnapshot } from '../../workflows/conference/definitions';
import { conferenceWorkflowId } from '../../workflows/shared/ids';
import type { IvrDefinition } from '../../workflows/ivr/types';
import { ACCOUNT_SID, AUTH_TOKEN } from './env';
import { LiveStack } from './live-stack';

export const CALLER_ID = '+15005550006';

/**
 * Everything a conference needs, live: the webhook server, the main worker and relay (LiveStack),
 * a Twilio REST worker pointed at the simulator, the conference family's inbox relay, and the
 * simulator playing the customer, the agents and the supervisor.
 */
export class ConferenceStack {
  private twilioWorker?: Worker;
  private twilioRunning?: Promise<void>;

  private constructor(
    readonly live: LiveStack,
    readonly sim: Simulator,
    readonly twilio: TwilioClient,
    private readonly connection: NativeConnection,
    private readonly stopRelay: () => Promise<void>,
    private readonly music: Server,
  ) {}

  static async start(ivr: IvrDefinition, seed: number): Promise<ConferenceStack> {
    const sim = buildSimulator({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      seed,
      maxConferenceMs: 60_000,
      webhookTimeoutMs: 5000,
    });
    const simBase = await sim.start(0);
    const music = await musicServer();
    const live = await LiveStack.start(ivr, {
      TWILIO_API_BASE_URL: simBase,
      TEMPORAL_TWILIO_TASK_QUEUE: `twilio-${Math.random().toString(36).slice(2, 10)}`,
      CONFERENCE_CALLER_ID: CALLER_ID,
      CONFERENCE_HOLD_MUSIC_URL: `http://127.0.0.1:${(music.address() as AddressInfo).port}/hold-music.mp3`,
      CONFERENCE_RING_TIMEOUT_SECONDS: '10',
      WEBHOOK_UPDATE_BUDGET_MS: '2000',
      CALL_LINGER_SECONDS: '1',
    });
    const twilio = createTwilioClient({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: simBase,
    });
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const conference = createConferenceDeliverer({
      temporal: new Client({ connection, namespace: 'default' }),
      taskQueue: live.config.TEMPORAL_TASK_QUEUE,
      log: live.app.log,
    });
    const stopRelay = startInboxRelay(
      { db: live.db, deliverers: [conference], log: live.app.log, windowMs: 0, maxAttempts: 50 },
      200,
    );
    const stack = new ConferenceStack(live, sim, twilio, connection, stopRelay, music);
    await stack.startTwilioWorker();
    return stack;
  }

  async startTwilioWorker(): Promise<void> {
    this.twilioWorker = await createTwilioWorker({
      connection: this.connection,
      namespace: 'default',
      taskQueue: this.live.config.TEMPORAL_TWILIO_TASK_QUEUE,
      ratePerSecond: 50,
      twilio: this.twilio,
    });
    this.twilioRunning = this.twilioWorker.run();
  }

  /** Runs `npm run conference -- …` in-process and returns what it printed. */
  async cli(...args: string[]): Promise<string> {
    const lines: string[] = [];
    const spy = vi
      .spyOn(console, 'log')
      .mockImplementation((line: string) => void lines.push(line));
    try {
      const program = new Command().exitOverride();
      conferenceCommands(program, {
        config: () => this.live.config,
        connect: () => Promise.resolve(this.live.client),
      });
      await program.parseAsync(args, { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    return lines.join('\n');
  }

  state(name: string): Promise<ConferenceSnapshot> {
    return conferenceState(this.live.client, name);
  }

  /** Waits until the conference's state satisfies `check`; the last state otherwise, in the error. */
  async until(
    name: string,
    check: (s: ConferenceSnapshot) => boolean,
    timeoutMs = 20_000,
  ): Promise<ConferenceSnapshot> {
    const deadline = Date.now() + timeoutMs;
    let last: ConferenceSnapshot | undefined;
    for (;;) {
      last = await this.state(name).catch(() => undefined);
      if (last && check(last)) return last;
      if (Date.now() > deadline) {
        throw new Error(`conference ${name} never got there: ${JSON.stringify(last, null, 1)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /**
   * Waits for the conference's workflow to close and, under `npm run histories:record`
   * (RECORD_HISTORIES=1), keeps its history as a replay fixture in
   * test/fixtures/histories/conference/.
   */
  async closed(name: string, scenario: string): Promise<ConferenceSnapshot> {
    const handle = this.live.client.workflow.getHandle(conferenceWorkflowId(name));
    const result = (await handle.result()) as ConferenceSnapshot;
    if (process.env.RECORD_HISTORIES === '1') {
      const dir = path.resolve(__dirname, '..', 'fixtures', 'histories', 'conference');
      mkdirSync(dir, { recursive: true });
      const history = await handle.fetchHistory();
      writeFileSync(path.join(dir, `conference-${scenario}.json`), historyToJSON(history) + '\n');
    }
    return result;
  }

  /** A live customer call, waiting in a conference of its own until it is moved. */
  async customerCall(to: string): Promise<string> {
    this.sim.setParty(to, { answer: 'answer' });
    const call = await this.twilio.calls.create({
      to,
      from: CALLER_ID,
      twiml: `<Response><Dial><Conference>lobby-${to.slice(1)}</Conference></Dial></Response>`,
    });
    return call.sid;
  }

  async stop(): Promise<void> {
    await this.stopRelay();
    this.twilioWorker?.shutdown();
    await this.twilioRunning;
    await this.live.stop();
    await this.connection.close();
    await this.sim.close();
    await new Promise((r) => this.music.close(r));
  }
}

/** Serves the hold music MP3 Twilio (the simulator) fetches for waitUrl and HoldUrl. */
async function musicServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    res.end(Buffer.alloc(64));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}
