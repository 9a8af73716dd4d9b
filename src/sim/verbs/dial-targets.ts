import type { CallLeg } from '../call-leg';
import { normalizeDialNumber } from '../phone';
import { defaultSipCode } from '../sip';
import type { TwimlNode } from '../twiml';

/** The address a <Dial> noun rings: E.164 for <Number>, `client:` and `sip:` URIs otherwise. */
export function addressOf(noun: TwimlNode): string {
  const text = noun.text.trim();
  if (noun.name === 'Client' && !text.startsWith('client:')) {
    const identity = noun.children.find((c) => c.name === 'Identity')?.text ?? text;
    return `client:${identity}`;
  }
  // Twilio dials a <Sip> written without its scheme (its own authentication example does).
  if (noun.name === 'Sip') return /^sips?:/i.test(text) ? text : `sip:${text}`;
  return noun.name === 'Number' ? normalizeDialNumber(text) : text;
}

/**
 * Twilio's Debugger codes for a destination it will not dial: 13223 when a <Number> is not a
 * phone number at all (letters, no digits), 13224 when it looks like one but is not valid
 * (too short or long, no country code), and 13223 for a malformed <Sip> or <Client>.
 */
export function invalidDestination(
  noun: TwimlNode,
  address: string,
): { code: number; message: string } {
  if (noun.name === 'Number' && /^\+?[\d\s().-]+$/.test(noun.text.trim()))
    return { code: 13224, message: `Dial: Invalid phone number '${address}'` };
  return { code: 13223, message: `Dial: Invalid phone number format '${address}'` };
}

/** `<Sip username password>`: the digest credentials Twilio answers a challenge with. */
export function sipAuthOf(noun: TwimlNode): { username: string; password: string } | undefined {
  const { username, password } = noun.attrs;
  return noun.name === 'Sip' && username !== undefined && password !== undefined
    ? { username, password }
    : undefined;
}

/** A <Sip> leg's final SIP response, as Twilio reports it on the <Dial> action. */
export function sipParams(children: { noun: TwimlNode; child: CallLeg }[]): Record<string, string> {
  const sip = children.find(({ noun }) => noun.name === 'Sip')?.child;
  if (!sip) return {};
  const code = sip.sipResponseCode ?? defaultSipCode(sip.record.status);
  return {
    DialSipCallId: `${sip.sid.slice(2)}@sip.simulator.twilio`,
    ...(code !== undefined ? { DialSipResponseCode: String(code) } : {}),
  };
}
