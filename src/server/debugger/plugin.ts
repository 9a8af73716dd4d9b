import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keepAlert } from '../../alerts/store';
import { describeTwilioCode } from '../../twilio/error-catalog';
import { HttpError } from '../errors';
import { assertTwilioSignature } from '../twilio-signature';
import { debuggerAlertOf } from './input';

/** Where Twilio-wide webhooks are mounted; the console's Debugger webhook is `${prefix}/debugger`. */
export const DEBUGGER_PREFIX = '/twilio';

/**
 * Twilio's Debugger webhook (console → Monitor → Debugger): every alert is kept with the catalog's
 * explanation and the CallSid it concerns. Answered 204 only once stored, so Twilio retries an
 * alert PostgreSQL refused rather than losing it.
 */
export async function debuggerPlugin(app: FastifyInstance): Promise<void> {
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  app.post('/debugger', signed, async (request: FastifyRequest, reply: FastifyReply) => {
    const alert = debuggerAlertOf(request.body);
    const explanation =
      alert.errorCode === null ? 'no error code' : describeTwilioCode(alert.errorCode);
    let fresh: boolean;
    try {
      fresh = await keepAlert(app.db, { ...alert, explanation });
    } catch (err) {
      request.log.error({ err: (err as Error).message }, 'debugger alert not stored');
      throw new HttpError('unavailable', 'alert not stored; retry');
    }
    const fields = { alertSid: alert.alertSid, code: alert.errorCode, callSid: alert.callSid };
    request.log.info(fields, fresh ? 'debugger alert' : 'debugger alert delivered again');
    return reply.code(204).send();
  });
  return Promise.resolve();
}
