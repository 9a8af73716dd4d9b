import { CallLeg, type LegOptions, type StatusCallbackConfig } from './call-leg';
import type { SimCore } from './core';
import type { CallDirection, CallRecord } from './model';
import type { PartyScript } from './script';
import { ringOutcome } from './sip';
import type { Transcript } from './transcript';

export interface NewLeg {
  to: string;
  from: string;
  direction: CallDirection;
  parentCallSid?: string;
  script: PartyScript;
  transcript: Transcript;
  options?: LegOptions;
}

/** Creates the call resource (status queued) and its live leg. */
export function createLeg(core: SimCore, spec: NewLeg): CallLeg {
  const now = core.now();
  const record: CallRecord = {
    sid: core.newSid('CA'),
    to: spec.to,
    from: spec.from,
    status: 'queued',
    direction: spec.direction,
    dateCreated: now,
    dateUpdated: now,
    ...(spec.parentCallSid ? { parentCallSid: spec.parentCallSid } : {}),
    ...(spec.options?.byoc ? { trunkSid: spec.options.byoc } : {}),
  };
  core.store.calls.set(record.sid, record);
  const leg = new CallLeg(core, record, spec.script, spec.transcript, spec.options);
  core.live.set(record.sid, leg);
  return leg;
}

/** Twilio's events list is repeated params (REST) or space-separated (TwiML); default completed. */
export function statusCallbackConfig(
  url: string | undefined,
  method: string | undefined,
  events: string | string[] | undefined,
): StatusCallbackConfig | undefined {
  if (!url) return undefined;
  const list = (Array.isArray(events) ? events : (events ?? '').split(/[\s,]+/)).filter(Boolean);
  return {
    url,
    method: method?.toUpperCase() === 'GET' ? 'GET' : 'POST',
    events: new Set(list.length > 0 ? list : ['completed']),
  };
}

/**
 * Rings a party per its script: queued → initiated → ringing, then answers or ends busy,
 * no-answer or failed. Returns whether it answered; ring time is spent on `payer` too.
 */
export async function ring(leg: CallLeg, timeoutSec: number, payer?: CallLeg): Promise<boolean> {
  const script = leg.script;
  const { answer, sipCode } = ringOutcome(leg.core, leg);
  if (sipCode !== undefined) leg.sipResponseCode = sipCode;
  leg.emitInitiated();
  if (answer === 'failed') {
    leg.finish('failed');
    return false;
  }
  leg.setStatus('ringing');
  if (script.answerDelayMs && (await leg.waitReal(script.answerDelayMs)) === 'woken') return false;
  if (answer === 'busy') {
    await spendBoth(leg, payer, 1000);
    leg.finish('busy');
    return false;
  }
  const ringSec = script.ringSeconds ?? 2;
  if (answer === 'no-answer' || ringSec > timeoutSec) {
    await spendBoth(leg, payer, timeoutSec * 1000);
    leg.finish('no-answer');
    return false;
  }
  await spendBoth(leg, payer, ringSec * 1000);
  return true;
}

async function spendBoth(leg: CallLeg, payer: CallLeg | undefined, ms: number): Promise<void> {
  await leg.spend(ms);
  if (payer) payer.elapsedMs += ms;
}
