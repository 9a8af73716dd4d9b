/**
 * Destinations the app dials, checked before any call is placed so a bad one fails here with a
 * clear reason instead of as a Twilio 21211 ("Invalid 'To' Phone Number") or a Debugger 13223
 * after the caller has been put on hold. Pure: no I/O, used by the IVR validator, the Twilio call
 * activity, the carrier route table and the CLI.
 */

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;
/** `sip:` or `sips:`, a user part, `@`, a host (name, IPv4 or [IPv6]), optional port and params. */
const SIP_URI =
  /^sips?:([A-Za-z0-9\-_.!~*'()&=+$,;?/%]{1,128})@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?((?:;[\w\-.!~*'()%]+(?:=[\w\-.!~*'()%[\]:]+)?)*)(\?[\w\-.!~*'()%&=+$,;/?:@]*)?$/;
const CLIENT = /^client:[A-Za-z0-9_.-]{1,256}$/;

export type DestinationKind = 'number' | 'sip' | 'client';

export type DestinationCheck =
  { ok: true; kind: DestinationKind; value: string } | { ok: false; code: 21211; message: string };

/** Why `value` is not an E.164 number, in the words Twilio's 21211 would use; undefined if it is. */
export function e164Problem(value: string): string | undefined {
  if (E164.test(value)) return undefined;
  const v = value.trim();
  if (!v.startsWith('+'))
    return `Invalid 'To' Phone Number: ${value} is not E.164 (it must start with + and a country code, e.g. +14155550100)`;
  const digits = v.slice(1);
  if (!/^\d+$/.test(digits))
    return `Invalid 'To' Phone Number: ${value} has characters other than digits after the +`;
  if (digits.startsWith('0'))
    return `Invalid 'To' Phone Number: ${value} has no country code (a country code never starts with 0)`;
  return `Invalid 'To' Phone Number: ${value} has ${digits.length} digits; E.164 allows 7 to 15`;
}

/** Why `value` is not a SIP URI Twilio can dial; undefined if it is one. */
export function sipUriProblem(value: string): string | undefined {
  if (!/^sips?:/i.test(value))
    return `Invalid SIP URI: ${value} must start with sip: or sips: (e.g. sip:alice@pbx.example.com)`;
  if (!value.includes('@'))
    return `Invalid SIP URI: ${value} has no user part (user@host), which Twilio requires to dial SIP`;
  if (/\s/.test(value)) return `Invalid SIP URI: ${value} contains whitespace`;
  if (!SIP_URI.test(value.replace(/^SIP/i, 'sip')))
    return `Invalid SIP URI: ${value} is malformed (expected sip:user@host[:port][;params][?headers])`;
  const port = SIP_URI.exec(value.replace(/^SIP/i, 'sip'))?.[3];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return `Invalid SIP URI: ${value} has port ${port}, outside 1-65535`;
  return undefined;
}

/** Checks a destination of any kind Twilio dials: E.164, `sip:`/`sips:` URI or `client:` identity. */
export function checkDestination(value: string): DestinationCheck {
  const v = value.trim();
  if (/^sips?:/i.test(v)) {
    const problem = sipUriProblem(v);
    return problem
      ? { ok: false, code: 21211, message: problem }
      : { ok: true, kind: 'sip', value: v };
  }
  if (v.startsWith('client:')) {
    return CLIENT.test(v)
      ? { ok: true, kind: 'client', value: v }
      : { ok: false, code: 21211, message: `Invalid client identity: ${value}` };
  }
  const problem = e164Problem(v);
  return problem
    ? { ok: false, code: 21211, message: problem }
    : { ok: true, kind: 'number', value: v };
}

/** An invalid destination, refused before any call; `code` is the Twilio error it stands for. */
export class InvalidDestinationError extends Error {
  readonly code = 21211;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDestinationError';
  }
}

/** The destination, or an InvalidDestinationError saying why not. */
export function assertDestination(value: string): { kind: DestinationKind; value: string } {
  const check = checkDestination(value);
  if (!check.ok) throw new InvalidDestinationError(check.message);
  return { kind: check.kind, value: check.value };
}

/**
 * The number an inbound SIP call was made to, for routing it like a number: Twilio's SIP domains
 * put the dialed number in the user part (`sip:+14155550100@example.sip.twilio.com`); a user part
 * of 10 digits is a North American number, 11 starting with 1 too. Anything else (a name such as
 * `sip:support@…`) is returned as the bare address, which no number route matches.
 */
export function routingKeyOf(to: string): string {
  const m = /^sips?:([^@;?]+)@([^;?]+)/i.exec(to.trim());
  if (!m) return to;
  const user = decodeURIComponent(m[1] ?? '');
  if (E164.test(user)) return user;
  const digits = user.replace(/[\s().-]/g, '');
  if (/^\d{10}$/.test(digits)) return `+1${digits}`;
  if (/^1\d{10}$/.test(digits)) return `+${digits}`;
  return `sip:${user}@${m[2] ?? ''}`;
}
