import { OPS_PREFIX } from '../../server/ops/plugin';
import { signedPayload, twilioSignature } from '../../server/twilio-signature';
import { fail, messageOf, pass, type Check } from '../types';

const NAME = 'signature through PUBLIC_BASE_URL';

/**
 * Signs a request exactly as Twilio would for PUBLIC_BASE_URL and sends it there, through whatever
 * proxies stand in front of the server: a proxy that rewrites the scheme, host or path makes every
 * real webhook fail its signature check the same way.
 */
export const checkSignature: Check = async (deps) => {
  const url = `${deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${OPS_PREFIX}/signature-check`;
  const params = { AccountSid: deps.config.TWILIO_ACCOUNT_SID, CallSid: 'CAdoctor' };
  const payload = signedPayload(url, params) ?? url;
  let status: number;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(deps.config.TWILIO_AUTH_TOKEN, payload),
      },
      body: new URLSearchParams(params).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    status = response.status;
  } catch (err) {
    return [
      fail(
        NAME,
        `${url} unreachable: ${messageOf(err)}`,
        'PUBLIC_BASE_URL must be the address Twilio reaches the webhook server at; check DNS, TLS and the proxy',
      ),
    ];
  }
  if (status === 204) return [pass(NAME, `${url} accepted a request signed for it`)];
  if (status === 403) {
    return [
      fail(
        NAME,
        `${url}: signature refused: the proxy changes the URL or TRUSTED_PROXIES is not set`,
        'forward the original path and query unchanged, and either give the server the same PUBLIC_BASE_URL or list the proxy in TRUSTED_PROXIES so X-Forwarded-Proto/Host are used; ' +
          'if no proxy stands in between, the server runs with another TWILIO_AUTH_TOKEN than this environment',
      ),
    ];
  }
  return [
    fail(
      NAME,
      `${url} answered HTTP ${status}, not Switchboard's 204`,
      'PUBLIC_BASE_URL must reach this version of the Switchboard webhook server (a redirect or 404 means another host or path)',
    ),
  ];
};
