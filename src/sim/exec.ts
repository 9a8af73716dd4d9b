import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import type { RequestPurpose } from './transcript';
import type { VerbName } from './script';
import type { HttpMethod } from './webhook-client';

/** Where the call goes next: a TwiML request, or inline TwiML from a REST update. */
export type Next =
  | { url: string; method: HttpMethod; params?: Record<string, string>; purpose: RequestPurpose }
  | { twiml: string };

export type VerbResult =
  | { kind: 'next' }
  | { kind: 'goto'; next: Next }
  /** The leg has finished (hangup, reject, caller gone). */
  | { kind: 'end' }
  /** A REST update took over the call; the interpreter reads `leg.pending`. */
  | { kind: 'interrupt' };

export interface Exec {
  core: SimCore;
  leg: CallLeg;
  /** The URL the current document came from; undefined for inline TwiML. */
  docUrl: string | undefined;
}

export const NEXT: VerbResult = { kind: 'next' };

export function intAttr(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? n : fallback;
}

export function methodAttr(raw: string | undefined): HttpMethod {
  return raw?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

/** Relative URLs resolve against the current document, as Twilio does. */
export function resolveUrl(exec: Exec, raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return new URL(raw.trim(), exec.docUrl).toString();
  } catch {
    exec.leg.note({ type: 'error', code: 11100, message: `invalid URL '${raw}'` });
    return undefined;
  }
}

/** True once, at the first verb the script says the party hangs up during. */
export function hangsUpDuring(exec: Exec, verb: VerbName): boolean {
  const leg = exec.leg;
  if (leg.hangupDuringUsed || leg.script.hangupDuring !== verb) return false;
  leg.hangupDuringUsed = true;
  return true;
}

export function callerHangsUp(exec: Exec): VerbResult {
  const leg = exec.leg;
  leg.note({ type: 'hangup', by: 'caller' });
  leg.finish(leg.answered ? 'completed' : 'canceled');
  return { kind: 'end' };
}

/**
 * Sends an action request whose TwiML Twilio ignores because the caller is gone (Record and
 * Dial still report their result after a hangup).
 */
export async function reportAfterHangup(
  exec: Exec,
  url: string | undefined,
  method: HttpMethod,
  params: Record<string, string>,
): Promise<void> {
  if (!url) return;
  const { outcome, attempts } = await exec.core.webhooks.send({
    url,
    method,
    params: { ...exec.leg.baseParams(), CallStatus: 'completed', ...params },
  });
  exec.leg.noteAttempts(attempts, 'action', params);
  if (!outcome.ok)
    exec.leg.note({ type: 'error', code: outcome.errorCode, message: outcome.message, url });
}
