import { optional } from './optional';
import type { CallLeg, StatusCallbackConfig } from './call-leg';
import type { CallRun, SimCore } from './core';
import type { Next } from './exec';
import { runLeg, takeInterrupt } from './interpreter';
import { createLeg, ring } from './legs';
import { completeRecording, openRecording, type RecordingCallbackConfig } from './recordings';
import { startAmd, type AmdSettings } from './amd';
import type { AnsweredBy, PartyScript } from './script';
import { Transcript, type TranscriptEntry } from './transcript';
import type { HttpMethod } from './webhook-client';

export interface InboundCallOptions {
  to: string;
  from: string;
  /** The number's Voice URL: the app's webhook for incoming calls. */
  voiceUrl: string;
  method?: HttpMethod;
  fallbackUrl?: string;
  fallbackMethod?: HttpMethod;
  /** The number's status callback; Twilio sends `completed` unless other events are listed. */
  statusCallback?: string;
  statusCallbackMethod?: HttpMethod;
  statusCallbackEvents?: string[];
  script?: PartyScript;
  /** Called for each transcript entry as it happens (the CLI prints them). */
  onEntry?: (entry: TranscriptEntry) => void;
}

export interface StartedCall {
  callSid: string;
  result: Promise<CallRun>;
}

function statusConfig(
  url: string | undefined,
  method: HttpMethod | undefined,
  events: string[] | undefined,
): StatusCallbackConfig | undefined {
  if (!url) return undefined;
  return {
    url,
    method: method ?? 'POST',
    events: new Set(events && events.length > 0 ? events : ['completed']),
  };
}

/** Runs a leg to its end and gathers the result once its callbacks have been delivered. */
export function track(core: SimCore, leg: CallLeg, body: () => Promise<void>): Promise<CallRun> {
  const run = (async (): Promise<CallRun> => {
    try {
      await body();
    } catch (err) {
      leg.note({
        type: 'error',
        code: 0,
        message: `simulator error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      });
      leg.finish('failed');
    }
    if (!leg.ended) leg.finish('completed');
    await core.callbacks.idle();
    return toRun(leg);
  })();
  core.runs.set(leg.sid, run);
  return run;
}

export function toRun(leg: CallLeg): CallRun {
  const entries = leg.transcript.entries;
  return {
    callSid: leg.sid,
    status: leg.record.status,
    ...(leg.record.answeredBy ? { answeredBy: leg.record.answeredBy } : {}),
    durationSec: leg.record.duration ?? 0,
    transcript: leg.transcript,
    entries,
    unsupportedVerbs: [...new Set(leg.transcript.of('unsupported').map((e) => e.verb))],
    errors: leg.transcript.of('error').map((e) => ({ code: e.code, message: e.message })),
  };
}

export function startInboundCall(core: SimCore, opts: InboundCallOptions): StartedCall {
  const transcript = new Transcript();
  if (opts.onEntry) transcript.onEntry(opts.onEntry);
  const leg = createLeg(core, {
    to: opts.to,
    from: opts.from,
    direction: 'inbound',
    script: opts.script ?? { answer: 'answer' },
    transcript,
    options: {
      ...optional(
        'statusCallback',
        statusConfig(opts.statusCallback, opts.statusCallbackMethod, opts.statusCallbackEvents),
      ),
      ...optional('fallbackUrl', opts.fallbackUrl),
      ...optional('fallbackMethod', opts.fallbackMethod),
    },
  });
  const result = track(core, leg, async () => {
    leg.setStatus('ringing');
    await runLeg(core, leg, {
      url: opts.voiceUrl,
      method: opts.method ?? 'POST',
      purpose: 'voice-url',
    });
  });
  return { callSid: leg.sid, result };
}

export interface OutboundCallParams {
  to: string;
  from: string;
  /** Twilio's `CallerId`: what the callee sees instead of From. */
  callerId?: string;
  /** BYOC trunk (BY sid) the call leaves through. */
  byoc?: string;
  /** `SipAuthUsername`/`SipAuthPassword` for a `sip:` To that challenges. */
  sipAuth?: { username: string; password: string };
  url?: string;
  twiml?: string;
  method: HttpMethod;
  fallbackUrl?: string;
  fallbackMethod?: HttpMethod;
  statusCallback?: StatusCallbackConfig;
  timeoutSec: number;
  amd?: AmdSettings;
  asyncAmd: boolean;
  asyncAmdStatusCallback?: string;
  asyncAmdStatusCallbackMethod?: HttpMethod;
  record: boolean;
  recordingCallback?: RecordingCallbackConfig;
  timeLimitSec: number;
  /** Ms the call waits in the account's queue (its CPS) before it is dialed. */
  queueTimeMs: number;
}

export function amdResult(script: PartyScript, mode: 'Enable' | 'DetectMessageEnd'): AnsweredBy {
  if (script.answeredBy) return script.answeredBy;
  if (script.answer !== 'machine') return 'human';
  // With DetectMessageEnd Twilio reports a machine only once its greeting has ended.
  return mode === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start';
}

/** Async AMD: Twilio posts AnsweredBy to the AMD status callback once it has decided. */
export function sendAmdCallback(
  core: SimCore,
  leg: CallLeg,
  url: string,
  method: HttpMethod | undefined,
): void {
  const answeredBy = leg.record.answeredBy ?? 'unknown';
  core.callbacks.send({
    kind: 'amd',
    event: answeredBy,
    url,
    method: method ?? 'POST',
    group: leg.sid,
    callSid: leg.sid,
    at: leg.elapsedMs,
    transcript: leg.transcript,
    ...optional('faults', leg.callbackFaults),
    params: {
      AccountSid: core.accountSid,
      CallSid: leg.sid,
      AnsweredBy: answeredBy,
      MachineDetectionDuration: answeredBy === 'human' ? '2100' : '4300',
    },
  });
}

/** A REST-created call: rings the party scripted for `To`, then runs its TwiML. */
export function startOutboundCall(core: SimCore, p: OutboundCallParams): CallLeg {
  const transcript = new Transcript();
  const script = core.partyFor(p.to);
  const leg = createLeg(core, {
    to: p.to,
    from: p.callerId ?? p.from,
    direction: 'outbound-api',
    script,
    transcript,
    options: {
      ...optional('byoc', p.byoc),
      ...optional('sipAuth', p.sipAuth),
      ...optional('statusCallback', p.statusCallback),
      ...optional('fallbackUrl', p.fallbackUrl),
      ...optional('fallbackMethod', p.fallbackMethod),
      answeredByOnWebhook: p.amd !== undefined && !p.asyncAmd,
      timeLimitMs: p.timeLimitSec * 1000,
    },
  });
  leg.record.queueTimeMs = p.queueTimeMs;
  void track(core, leg, async () => {
    // Twilio answers the create request first and places the call afterwards, at the account's CPS.
    await new Promise((r) => setImmediate(r));
    if (p.queueTimeMs > 0) await leg.waitReal(p.queueTimeMs);
    if (canceledByRest(leg)) return;
    await core.dialQueue.admit();
    if (canceledByRest(leg)) return;
    // Time in the queue is call time before dialing, so start_time is when it was really dialed.
    if (core.dialQueue.cps !== undefined) {
      leg.elapsedMs += Math.max(0, core.now().getTime() - leg.startedAt.getTime());
    }
    const answered = await ring(leg, p.timeoutSec);
    if (canceledByRest(leg) || !answered) return;
    leg.answer();
    if (p.amd) await startAmd(core, leg, script, p);
    const rec = p.record
      ? openRecording(core, leg, {
          source: 'OutboundAPI',
          callSid: leg.sid,
          ...optional('callback', p.recordingCallback),
        })
      : undefined;
    if (rec) {
      leg.finishExtras = () => ({
        RecordingUrl: core.recordingUrl(rec.sid),
        RecordingSid: rec.sid,
        RecordingDuration: String(Math.max(1, leg.durationSec())),
      });
    }
    const first: Next =
      p.twiml !== undefined
        ? { twiml: p.twiml }
        : { url: p.url ?? '', method: p.method, purpose: 'voice-url' };
    await runLeg(core, leg, first);
    if (rec) {
      const text = script.records?.[0]?.text ?? `call with ${p.to}`;
      await completeRecording(core, leg, rec, text, Math.max(1, leg.durationSec()));
    }
  });
  return leg;
}

/** A REST `Status=canceled|completed` that arrived before the call was answered. */
export function canceledByRest(leg: CallLeg): boolean {
  if (leg.pending?.kind !== 'hangup') return false;
  takeInterrupt(leg);
  return true;
}
