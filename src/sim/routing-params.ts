import type { SimCore } from './core';
import { apiErrors, TwilioApiError } from './errors';
import { isE164, isValidVoiceAddress } from './phone';
import { str, type Params } from './rest-params';

export interface Routing {
  byoc?: string;
  sipAuth?: { username: string; password: string };
  callerId?: string;
}

const BYOC_SID = /^BY[0-9a-fA-F]{32}$/;

/**
 * The Calls-create and Participants-create parameters that decide how a call leaves Twilio, as
 * documented: `To` must be E.164, `client:` or `sip:`; `Byoc` names a BYOC trunk of the account
 * and only routes phone numbers; `SipAuthUsername`/`SipAuthPassword` come together and only for
 * a `sip:` To; `CallerId` is what the callee sees, and must be a number when To is one (21212).
 */
export function routingParams(core: SimCore, p: Params, to: string): Routing {
  if (!isValidVoiceAddress(to)) throw apiErrors.invalidTo(to);
  const out: Routing = {};
  const byoc = str(p, 'Byoc');
  if (byoc !== undefined) {
    if (!BYOC_SID.test(byoc) || !core.store.byocTrunks.has(byoc))
      throw new TwilioApiError(21218, 400, `Byoc ${byoc} is not a BYOC trunk of this account`);
    if (!isE164(to))
      throw new TwilioApiError(21218, 400, `Byoc routes phone numbers only, not '${to}'`);
    out.byoc = byoc;
  }
  const username = str(p, 'SipAuthUsername');
  const password = str(p, 'SipAuthPassword');
  if (username !== undefined || password !== undefined) {
    if (username === undefined || password === undefined)
      throw new TwilioApiError(
        21218,
        400,
        'SipAuthUsername and SipAuthPassword must be given together',
      );
    if (!to.startsWith('sip:'))
      throw new TwilioApiError(21218, 400, `SIP credentials need a sip: To, not '${to}'`);
    out.sipAuth = { username, password };
  }
  const callerId = str(p, 'CallerId');
  if (callerId !== undefined) {
    if (
      isE164(to)
        ? !isE164(callerId)
        : !isValidVoiceAddress(callerId) && !/^[\w.+-]+$/.test(callerId)
    )
      throw apiErrors.invalidFrom(callerId);
    out.callerId = callerId;
  }
  return out;
}
