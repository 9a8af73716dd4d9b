import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertTwilioSignature } from '../twilio-signature';
import { inboundSmsHandler } from './inbound';

/** Where the SMS family is mounted; numbers point their Messaging URL at `${prefix}/inbound`. */
export const SMS_PREFIX = '/sms';

/** A committed change of one number's consent, as an inbound keyword made it. */
export interface ConsentChange {
  phone: string;
  action: 'opt-out' | 'opt-in';
  /** As the audit records it, e.g. `sms:STOP`. */
  source: string;
  messageSid: string;
}

/**
 * Called after the change is in PostgreSQL, e.g. to tell running campaigns at once that a number
 * opted out (their attempts also check suppression before every call and SMS).
 */
export type ConsentHook = (app: FastifyInstance, change: ConsentChange) => Promise<void>;

export interface SmsPluginOptions {
  onConsentChange?: ConsentHook;
}

/** The SMS family's webhooks; every route checks the Twilio signature before anything else runs. */
export async function smsPlugin(app: FastifyInstance, opts: SmsPluginOptions): Promise<void> {
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  app.post('/inbound', signed, inboundSmsHandler(opts.onConsentChange));
  return Promise.resolve();
}
