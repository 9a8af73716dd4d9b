import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { maskPhone } from '../../../workflows/shared/phone';
import { addOptOut, removeOptOut } from '../../suppression/store';
import { HttpError } from '../errors';
import { withTimeout } from '../timeout';
import { formParams } from '../twilio-params';
import { inboundSmsOf } from './input';
import { keywordOf } from './keywords';
import type { ConsentHook } from './plugin';

function messagingResponse(text?: string): string {
  const response = new twilio.twiml.MessagingResponse();
  if (text !== undefined) response.message(text);
  return response.toString();
}

/**
 * `POST /sms/inbound`: STOP and its synonyms record an opt-out, START/YES/UNSTOP lift it, HELP
 * and INFO are answered; any other message gets empty TwiML and changes nothing. The consent
 * change is committed before the 200: when PostgreSQL cannot take it the answer is 503, so
 * Twilio's fallback URL, its debugger and the operator see it rather than a lost STOP.
 */
export function inboundSmsHandler(onConsentChange: ConsentHook | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const app = request.server;
    const sms = inboundSmsOf(formParams(request.body));
    const found = keywordOf(sms.body);
    const log = request.log.child({ messageSid: sms.messageSid, from: maskPhone(sms.from) });
    reply.type('text/xml');
    if (!found) {
      log.info('inbound sms without a keyword');
      return reply.send(messagingResponse());
    }
    if (found.action === 'help') {
      log.info({ keyword: found.keyword }, 'sms help');
      return reply.send(messagingResponse(app.config.SMS_HELP_TEXT));
    }
    const source = `sms:${found.keyword}`;
    const change = found.action === 'opt-out' ? addOptOut : removeOptOut;
    try {
      await withTimeout(app.config.WEBHOOK_UPDATE_BUDGET_MS, change(app.db, sms.from, source));
    } catch (err) {
      log.error(
        { err: (err as Error).message, keyword: found.keyword },
        'consent change not recorded',
      );
      throw new HttpError('unavailable', 'consent change not recorded; retry');
    }
    log.info({ keyword: found.keyword, action: found.action }, 'consent changed');
    if (onConsentChange) {
      // Already durable: campaigns check suppression before every call and SMS, so a hook that
      // fails only delays what a running campaign learns, and must not turn the STOP into a 503.
      try {
        // Bounded, so a slow hook cannot hold Twilio's request past its 15 s timeout.
        await withTimeout(
          app.config.WEBHOOK_UPDATE_BUDGET_MS,
          onConsentChange(app, {
            phone: sms.from,
            action: found.action,
            source,
            messageSid: sms.messageSid,
          }),
        );
      } catch (err) {
        log.warn(
          { err: (err as Error).message },
          'consent hook failed; suppression still recorded',
        );
      }
    }
    // Twilio's Advanced Opt-Out sends the carrier-required confirmation itself.
    return reply.send(messagingResponse());
  };
}
