import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import type { CallStatus } from './model';
import type { Answer } from './script';

/** A BYOC trunk on the simulated account: calls through it reach the PSTN via your carrier. */
export interface ByocTrunkRecord {
  sid: string;
  friendlyName: string;
  /** What the carrier behind the trunk answers every call with (e.g. 503); unset: the callee's script decides. */
  sipResponseCode?: number;
  dateCreated: Date;
}

/**
 * How Twilio reports a SIP final response as a call status (and DialCallStatus): 486 Busy Here,
 * 600 Busy Everywhere and 603 Decline are busy; 408, 480 and 487 are no-answer; any other
 * 4xx–6xx (404, 488 Not Acceptable Here, 503 Service Unavailable, 401/407 auth failures) failed.
 */
export function sipStatus(code: number): Extract<CallStatus, 'busy' | 'no-answer' | 'failed'> {
  if (code === 486 || code === 600 || code === 603) return 'busy';
  if (code === 408 || code === 480 || code === 487) return 'no-answer';
  return 'failed';
}

/** The SIP response code Twilio reports for a final call status when none was scripted. */
export function defaultSipCode(status: CallStatus): number | undefined {
  const codes: Partial<Record<CallStatus, number>> = {
    busy: 486,
    'no-answer': 487,
    failed: 404,
    completed: 200,
  };
  return codes[status];
}

export interface RingOutcome {
  answer: Answer;
  /** Set when the far end answered with a SIP error (scripted, trunk, or failed authentication). */
  sipCode?: number;
}

/**
 * What happens when the simulator rings a leg: a BYOC trunk's scripted SIP error wins, then a
 * `sip:` party that demands credentials the leg does not offer (407), then the party's own
 * `sipResponseCode`, then its `answer`.
 */
export function ringOutcome(core: SimCore, leg: CallLeg): RingOutcome {
  const trunk = leg.options.byoc ? core.store.byocTrunks.get(leg.options.byoc) : undefined;
  if (trunk?.sipResponseCode && trunk.sipResponseCode >= 300) {
    return { answer: answerFor(trunk.sipResponseCode), sipCode: trunk.sipResponseCode };
  }
  const script = leg.script;
  const wanted = script.sipAuth;
  const offered = leg.options.sipAuth;
  if (wanted && (offered?.username !== wanted.username || offered.password !== wanted.password)) {
    return { answer: 'failed', sipCode: 407 };
  }
  if (script.sipResponseCode && script.sipResponseCode >= 300) {
    return { answer: answerFor(script.sipResponseCode), sipCode: script.sipResponseCode };
  }
  return { answer: script.answer ?? 'answer' };
}

function answerFor(code: number): Answer {
  return sipStatus(code);
}
