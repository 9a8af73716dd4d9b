import type { FastifyInstance } from 'fastify';
import { buildRestApp } from './app';
import { startInboundCall, type InboundCallOptions, type StartedCall } from './calls';
import { SimCore, type CallRun, type MessageOutcome, type SimulatorOptions } from './core';
import type { Faults, RestReplyHook } from './faults';
import { receiveSms, type InboundSms, type InboundSmsResult } from './messaging';
import { addPhoneNumber, type PhoneNumberInput, type PhoneNumberRecord } from './rest-numbers';
import type { PartyScript } from './script';
import type { ConferenceRoom } from './conference-room';
import type { ByocTrunkRecord } from './sip';

export interface Simulator {
  /** The REST API as a fastify app; `inject` works without listening. */
  readonly app: FastifyInstance;
  readonly core: SimCore;
  readonly accountSid: string;
  readonly authToken: string;
  /** Base URL of the REST API (and of RecordingUrl); set by `start`. */
  readonly baseUrl: string;
  /** Listens on 127.0.0.1:`port` (default 3100; 0 picks a free one) and returns the base URL. */
  start(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Places an inbound call to the app's Voice URL and resolves when it ends. */
  placeInboundCall(opts: InboundCallOptions): Promise<CallRun>;
  /** Same, but hands back the CallSid at once (to act on the call while it runs). */
  startInboundCall(opts: InboundCallOptions): StartedCall;
  /** The run of any call the simulator placed (inbound, REST-created, participant). */
  waitForCall(callSid: string): Promise<CallRun>;
  /**
   * Scripts how a number (or client:/sip: address) answers when the simulator dials it; a list is
   * taken one script per call (e.g. busy, then answered), the last one staying.
   */
  setParty(address: string, script: PartyScript | PartyScript[]): void;
  /** Changes the account's calls per second (undefined: no limit). */
  setCallsPerSecond(cps: number | undefined): void;
  setFaults(faults: Faults): void;
  /**
   * Calls `hook` just before each REST answer leaves (after the request took effect); returns a
   * function that removes it.
   */
  onRestReply(hook: RestReplyHook): () => void;
  /** Puts a number on the account (IncomingPhoneNumbers), with its Voice URL and status callback. */
  addNumber(input: PhoneNumberInput): PhoneNumberRecord;
  /** How outbound messages to `to` end: delivered (default), sent, undelivered or failed. */
  setMessageOutcome(to: string, outcome: MessageOutcome): void;
  /** Delivers an inbound SMS to the messaging webhook (STOP/START update opt-outs). */
  sendInboundSms(sms: InboundSms): Promise<InboundSmsResult>;
  /** Puts a BYOC trunk on the account; `sipResponseCode` makes its carrier answer every call with that error. */
  addByocTrunk(input: { friendlyName: string; sipResponseCode?: number }): ByocTrunkRecord;
  /** The live conference of that name or sid (members, who hears whom), if one is active. */
  conferenceRoom(nameOrSid: string): ConferenceRoom | undefined;
  /** Resolves when every call has ended and every callback has been delivered. */
  idle(): Promise<void>;
}

/** Builds a simulator without listening; call `start()` to serve the REST API. */
export function buildSimulator(opts: SimulatorOptions & { logger?: boolean } = {}): Simulator {
  const core = new SimCore(opts);
  const app = buildRestApp(core, { logger: opts.logger ?? false });
  return {
    app,
    core,
    accountSid: core.accountSid,
    authToken: core.authToken,
    get baseUrl() {
      return core.baseUrl;
    },
    async start(port = 3100, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      if (!opts.baseUrl) core.baseUrl = `http://${host}:${actual}`;
      return core.baseUrl;
    },
    async close() {
      // Calls still waiting in conferences or ringing would otherwise hold the process open.
      for (const room of [...core.rooms.values()]) room.end('conference-ended-via-api', null);
      for (const leg of [...core.live.values()])
        leg.interrupt({ kind: 'hangup', status: 'completed' });
      await app.close();
    },
    placeInboundCall: (o) => startInboundCall(core, o).result,
    startInboundCall: (o) => startInboundCall(core, o),
    waitForCall(callSid) {
      const run = core.runs.get(callSid);
      if (!run) return Promise.reject(new Error(`no call ${callSid} was placed by this simulator`));
      return run;
    },
    setParty(address, script) {
      if (Array.isArray(script)) {
        core.partySequences.set(address, [...script]);
        core.parties.delete(address);
      } else {
        core.partySequences.delete(address);
        core.parties.set(address, script);
      }
    },
    setCallsPerSecond(cps) {
      core.dialQueue.cps = cps;
    },
    setFaults: (faults) => core.faults.set(faults),
    onRestReply(hook) {
      core.faults.replyHooks.add(hook);
      return () => void core.faults.replyHooks.delete(hook);
    },
    addNumber: (input) => addPhoneNumber(core, input),
    setMessageOutcome: (to, outcome) => void core.messageOutcomes.set(to, outcome),
    sendInboundSms: (sms) => receiveSms(core, sms),
    addByocTrunk(input) {
      const trunk: ByocTrunkRecord = {
        sid: core.newSid('BY'),
        friendlyName: input.friendlyName,
        ...(input.sipResponseCode !== undefined ? { sipResponseCode: input.sipResponseCode } : {}),
        dateCreated: core.now(),
      };
      core.store.byocTrunks.set(trunk.sid, trunk);
      return trunk;
    },
    conferenceRoom(nameOrSid) {
      const sid = core.store.activeConferenceByName(nameOrSid)?.sid ?? nameOrSid;
      return core.rooms.get(sid);
    },
    async idle() {
      while (core.live.size > 0 || [...core.runs.values()].length > 0) {
        await Promise.allSettled([...core.runs.values()]);
        if (core.live.size === 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await core.callbacks.idle();
    },
  };
}

/** Builds and starts a simulator in one step. */
export async function startSimulator(
  opts: SimulatorOptions & { port?: number; host?: string; logger?: boolean } = {},
): Promise<Simulator> {
  const sim = buildSimulator(opts);
  await sim.start(opts.port ?? 3100, opts.host ?? '127.0.0.1');
  return sim;
}
