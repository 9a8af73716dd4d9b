import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import { TwilioApiError } from './errors';
import { optional } from './optional';
import type { HttpMethod } from './webhook-client';
import { str, type Params } from './rest-params';
import type { AnsweredBy, PartyScript } from './script';

/** Answering machine detection as a create request configures it, with Twilio's defaults. */
export interface AmdSettings {
  mode: 'Enable' | 'DetectMessageEnd';
  timeoutMs: number;
  speechThresholdMs: number;
  speechEndThresholdMs: number;
  silenceTimeoutMs: number;
}

/** Twilio's ranges for the tuning parameters; outside them it answers 21234. */
const TUNING = [
  ['MachineDetectionTimeout', 3, 59, 30, 1000],
  ['MachineDetectionSpeechThreshold', 1000, 6000, 2400, 1],
  ['MachineDetectionSpeechEndThreshold', 500, 5000, 1200, 1],
  ['MachineDetectionSilenceTimeout', 2000, 10000, 5000, 1],
] as const;

const invalid = (name: string, value: string): TwilioApiError =>
  new TwilioApiError(
    21234,
    400,
    `Invalid Machine Detection configuration value ${value} for ${name}`,
  );

/** The AMD settings of a create request, validated as Twilio does; undefined without AMD. */
export function amdSettingsOf(p: Params): AmdSettings | undefined {
  const mode = str(p, 'MachineDetection');
  if (mode !== undefined && mode !== 'Enable' && mode !== 'DetectMessageEnd') {
    throw invalid('MachineDetection', mode);
  }
  const values = TUNING.map(([name, min, max, fallback, unitMs]) => {
    const raw = str(p, name);
    if (raw === undefined) return fallback * unitMs;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw invalid(name, raw);
    return n * unitMs;
  });
  if (mode === undefined) return undefined;
  const [
    timeoutMs = 30_000,
    speechThresholdMs = 2400,
    speechEndThresholdMs = 1200,
    silenceTimeoutMs = 5000,
  ] = values;
  return { mode, timeoutMs, speechThresholdMs, speechEndThresholdMs, silenceTimeoutMs };
}

/** A human's greeting ("Hello?") before the silence that ends it. */
const HUMAN_GREETING_MS = 1000;
/** A machine's greeting before its beep when the script does not say. */
const DEFAULT_BEEP_AFTER_MS = 6000;
const FAX_TONE_MS = 1500;

export interface AmdOutcome {
  answeredBy: AnsweredBy;
  /** Call time from answer until the result; Twilio reports it as MachineDetectionDuration. */
  durationMs: number;
}

/**
 * What AMD concludes about a scripted party, and when. `Enable` reports a machine as soon as its
 * speech outlasts the speech threshold (machine_start); `DetectMessageEnd` waits for the end of
 * the greeting: the beep (machine_end_beep), a silence (machine_end_silence) or neither
 * (machine_end_other). Past MachineDetectionTimeout the answer is unknown (machine_end_other for a
 * machine already heard).
 */
export function detect(script: PartyScript, amd: AmdSettings): AmdOutcome {
  const beepMs = (script.beepAfterSeconds ?? DEFAULT_BEEP_AFTER_MS / 1000) * 1000;
  const forced = script.answeredBy;
  const kind: AnsweredBy =
    forced ??
    (script.answer === 'machine'
      ? amd.mode === 'DetectMessageEnd'
        ? 'machine_end_beep'
        : 'machine_start'
      : 'human');
  const at = ((): number => {
    switch (kind) {
      case 'human':
        return HUMAN_GREETING_MS + amd.speechEndThresholdMs;
      case 'machine_start':
        return amd.speechThresholdMs;
      case 'machine_end_beep':
        return beepMs;
      case 'machine_end_silence':
        return beepMs + amd.speechEndThresholdMs;
      case 'machine_end_other':
        return beepMs;
      case 'fax':
        return FAX_TONE_MS;
      case 'unknown':
        return amd.silenceTimeoutMs;
    }
  })();
  if (at <= amd.timeoutMs) return { answeredBy: kind, durationMs: at };
  const machine = kind.startsWith('machine');
  return {
    answeredBy: machine && amd.mode === 'DetectMessageEnd' ? 'machine_end_other' : 'unknown',
    durationMs: amd.timeoutMs,
  };
}

/** What a create request says about AMD. */
export interface AmdCallParams {
  amd?: AmdSettings;
  asyncAmd: boolean;
  asyncAmdStatusCallback?: string;
  asyncAmdStatusCallbackMethod?: HttpMethod;
}

/**
 * Sync AMD holds the first TwiML request until the result (sent as AnsweredBy on it). Async AMD
 * runs beside the TwiML: the leg's clock turns real (scaled) so the call is still live when the
 * app reacts to the AsyncAmdStatusCallback, which is sent when detection ends.
 */
export async function startAmd(
  core: SimCore,
  leg: CallLeg,
  script: PartyScript,
  p: AmdCallParams,
): Promise<void> {
  if (!p.amd) return;
  const outcome = detect(script, p.amd);
  if (!p.asyncAmd) {
    await leg.spend(outcome.durationMs);
    leg.record.answeredBy = outcome.answeredBy;
    return;
  }
  leg.timeScale = core.amdTimeScale;
  const url = p.asyncAmdStatusCallback;
  const report = (): void => {
    if (leg.ended) return;
    leg.record.answeredBy = outcome.answeredBy;
    if (!url) return;
    core.callbacks.send({
      kind: 'amd',
      event: outcome.answeredBy,
      url,
      method: p.asyncAmdStatusCallbackMethod ?? 'POST',
      group: leg.sid,
      callSid: leg.sid,
      at: leg.elapsedMs,
      transcript: leg.transcript,
      ...optional('faults', leg.callbackFaults),
      params: {
        AccountSid: core.accountSid,
        CallSid: leg.sid,
        AnsweredBy: outcome.answeredBy,
        MachineDetectionDuration: String(outcome.durationMs),
      },
    });
  };
  setTimeout(report, outcome.durationMs * core.amdTimeScale);
}
