import { HttpError } from '../errors';
import { optional, patterns, required, type Params } from '../twilio-params';

/** An inbound message as the SMS routes use it; nothing else in them reads a raw parameter. */
export interface InboundSms {
  messageSid: string;
  accountSid: string;
  /** The sender, E.164: whose consent a keyword changes. */
  from: string;
  to: string;
  body: string;
}

const MessageSid = /^(SM|MM)[0-9a-f]{32}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export function inboundSmsOf(params: Params): InboundSms {
  const body = params.Body ?? '';
  // Twilio concatenates a long SMS into one Body of at most 1,600 characters.
  if (body.length > 1600) throw new HttpError('badRequest', 'Body longer than 1600 characters');
  return {
    messageSid: required(params, 'MessageSid', MessageSid),
    accountSid: required(params, 'AccountSid', patterns.AccountSid),
    from: required(params, 'From', E164),
    to: optional(params, 'To', patterns.Address) ?? '',
    body,
  };
}
