import twilio from 'twilio';
import type { AgentSettings } from './settings';

/** Where a call an agent placed goes: decided from the dialed `To`, rendered at the edge. */
export type AgentCallRoute =
  | { kind: 'number'; to: string; callerId: string }
  | { kind: 'client'; identity: string }
  | { kind: 'refuse'; reason: 'unknown-agent' | 'unroutable' | 'not-configured'; text: string };

const E164 = /^\+[1-9]\d{6,14}$/;
/** What people type into a dial pad around the digits; Twilio itself wants bare E.164. */
const SEPARATORS = /[\s().-]/g;
const CLIENT = /^client:(.+)$/;

const REFUSALS = {
  'unknown-agent': 'This phone is not allowed to place calls. Goodbye.',
  unroutable: 'Sorry, that number cannot be dialed from this phone. Goodbye.',
  'not-configured': 'Calling from this phone is not available. Goodbye.',
} as const;

function refuse(reason: keyof typeof REFUSALS): AgentCallRoute {
  return { kind: 'refuse', reason, text: REFUSALS[reason] };
}

/**
 * Routes a call placed from the Voice SDK. A number, ours or not, is dialed: a number in our
 * routing table comes back to `/voice/inbound` as a real inbound call with its own CallSid and
 * workflow, which a redirect could not give (the TwiML App request carries no inbound parameters).
 * Clients are dialed only when they are configured agents.
 */
export function routeAgentCall(
  settings: AgentSettings | undefined,
  from: string,
  to: string,
): AgentCallRoute {
  if (!settings) return refuse('not-configured');
  const caller = CLIENT.exec(from)?.[1];
  const known = (identity: string | undefined): boolean =>
    identity !== undefined && settings.agents.some((a) => a.identity === identity);
  if (!known(caller)) return refuse('unknown-agent');
  const callee = CLIENT.exec(to)?.[1];
  if (callee !== undefined) {
    return known(callee) ? { kind: 'client', identity: callee } : refuse('unroutable');
  }
  const number = to.replace(SEPARATORS, '');
  // A browser has no number of its own: Twilio refuses a PSTN dial whose callerId is client:….
  if (E164.test(number)) return { kind: 'number', to: number, callerId: settings.callerId };
  return refuse('unroutable');
}

export function renderAgentCall(route: AgentCallRoute): string {
  const response = new twilio.twiml.VoiceResponse();
  switch (route.kind) {
    case 'number':
      // answerOnBridge: the agent hears ringing, and the browser leg is billed from the answer.
      response.dial({ callerId: route.callerId, answerOnBridge: true }).number(route.to);
      break;
    case 'client':
      response.dial({ answerOnBridge: true }).client(route.identity);
      break;
    case 'refuse':
      response.say(route.text);
      response.hangup();
  }
  return response.toString();
}
