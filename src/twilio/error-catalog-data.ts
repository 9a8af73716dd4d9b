import type { CatalogEntry } from './error-catalog';

/**
 * The codes an operator of Switchboard meets, in Twilio's numbering order. Meanings follow Twilio's
 * Error and Warning Dictionary (twilio.com/docs/api/errors), rewritten with where to look in this
 * project. SIP responses are keyed `SIP <status>`.
 */
export const CATALOG_DATA: readonly CatalogEntry[] = [
  {
    code: '11200',
    kind: 'error',
    title: 'HTTP retrieval failure',
    meaning:
      'Twilio requested a webhook and got no usable answer: no connection, a timeout, or a 4xx/5xx status.',
    cause:
      "The webhook server is down or unreachable from the internet, PUBLIC_BASE_URL or the number's Voice URL points at the wrong host, or the server answered 5xx (Temporal or PostgreSQL unavailable) or 403 (signature check failed behind a proxy).",
    fix: "Run `npm run doctor`; check PUBLIC_BASE_URL against the number's Voice URL, that `/healthz` answers from outside, and the server log for the request (a 403 behind a proxy means TRUSTED_PROXIES is missing the proxy).",
  },
  {
    code: '11205',
    kind: 'error',
    title: 'HTTP connection failure',
    meaning:
      'Twilio could not open a connection to the webhook host at all (DNS, TCP or TLS handshake).',
    cause:
      "DNS for the PUBLIC_BASE_URL host does not resolve, a firewall or load balancer drops Twilio's connections, the port is closed, or the TLS certificate is invalid or expired.",
    fix: 'Resolve and connect to the PUBLIC_BASE_URL host from outside your network; renew the certificate; open the port to Twilio; run `npm run doctor`.',
  },
  {
    code: '11750',
    kind: 'error',
    title: 'TwiML response body too large',
    meaning: 'The webhook answer exceeded the 64 kB Twilio accepts for a TwiML document.',
    cause:
      'An IVR step renders a very long <Say> text, many <Gather> hints, or a proxy replaced the answer with a large HTML error page.',
    fix: 'Shorten the IVR step (split long prompts into several steps, host audio and <Play> it); check that the answer really comes from Switchboard.',
  },
  {
    code: '12100',
    kind: 'error',
    title: 'Document parse failure',
    meaning: 'Twilio could not parse the webhook answer as XML.',
    cause:
      'Something other than Switchboard answered (a proxy, CDN or framework error page in HTML), or the body was cut off.',
    fix: "Fetch the Voice URL yourself and look at the body; make sure only Switchboard's routes serve the webhook paths and no proxy rewrites the answer.",
  },
  {
    code: '12200',
    kind: 'warning',
    title: 'Schema validation warning',
    meaning:
      "The TwiML parsed but does not follow Twilio's schema: an unknown verb, attribute or value, or a verb in the wrong place.",
    cause:
      'An IVR definition uses a value Twilio does not accept (a voice, language or speech model), or a <Redirect>/<Conference> lacks its URL or name.',
    fix: "Validate the IVR with `npm run cli -- ivr validate <file>`; compare the rendered TwiML (the call's history in the Temporal UI) with Twilio's TwiML reference.",
  },
  {
    code: '12300',
    kind: 'error',
    title: 'Invalid Content-Type',
    meaning: 'The webhook answered with a Content-Type Twilio does not treat as TwiML or audio.',
    cause:
      "A proxy or error page answered with text/html or application/json, or an empty 204 reached Twilio instead of Switchboard's text/xml answer.",
    fix: "Check the Content-Type of the Voice URL's answer from outside (it must be text/xml); fix the proxy or route that answered instead of Switchboard.",
  },
  {
    code: '13224',
    kind: 'error',
    title: 'Dial: invalid phone number',
    meaning:
      'A <Dial> (or an outbound call) targets a number Twilio cannot call, or one not in E.164 form.',
    cause:
      "The IVR's transfer target or the number given to the CLI is malformed, a short code, a premium number, or not served by any carrier.",
    fix: 'Store numbers in E.164 (+ and country code); correct the IVR transfer target. Switchboard fails the request as TwilioPermanent and does not retry it.',
  },
  {
    code: '13227',
    kind: 'error',
    title: 'Dial: no international authorization',
    meaning:
      "The <Dial> targets a country that the account's Voice geographic permissions do not allow.",
    cause:
      'Geo permissions for the destination country are off, often on a new account or subaccount.',
    fix: 'Enable the country in Console > Voice > Settings > Geo permissions, or remove the destination. Not retried (TwilioPermanent).',
  },
  {
    code: '16101',
    kind: 'warning',
    title: 'Recording unavailable: too short',
    meaning: "The recording was shorter than Twilio's minimum duration and was not kept.",
    cause: 'The caller hung up as <Record> began, or a recording was started and stopped at once.',
    fix: 'Nothing to fetch: treat the recording as absent. If it happens often, check that the prompt before <Record> tells the caller to speak after the tone.',
  },
  {
    code: '16102',
    kind: 'warning',
    title: 'Recording unavailable: silent',
    meaning: 'Twilio detected the recording as silent and did not store it (status absent).',
    cause:
      'The caller said nothing, a one-way audio problem (NAT, SIP media) carried no sound, or the wrong leg was recorded.',
    fix: 'Treat the recording as absent; if calls that should have audio end here, look for one-way audio on the carrier or SIP side (see SIP 488).',
  },
  {
    code: '20003',
    kind: 'error',
    title: 'Authentication failed',
    meaning: 'Twilio refused the REST credentials.',
    cause:
      'TWILIO_AUTH_TOKEN was rotated (or the secondary token promoted) and the worker still has the old one, or TWILIO_ACCOUNT_SID belongs to another account or subaccount.',
    fix: 'Put the current token in TWILIO_AUTH_TOKEN and restart the worker and the server (the server signs webhooks with it too); run `npm run doctor`. Not retried (TwilioPermanent).',
  },
  {
    code: '20404',
    kind: 'error',
    title: 'Resource not found',
    meaning:
      'The REST resource (a call, recording, participant or message) does not exist for this account.',
    cause:
      'The SID belongs to another account or region, the resource was already deleted, or the call ended before an update reached it.',
    fix: 'Check TWILIO_ACCOUNT_SID and TWILIO_REGION; deletes treat 20404 as done. Not retried (TwilioPermanent).',
  },
  {
    code: '20429',
    kind: 'error',
    title: 'Too many requests',
    meaning: 'Twilio rate-limited the REST request and did not process it.',
    cause:
      'More requests per second than the account allows, for example several workers or another application sharing the account.',
    fix: 'Lower TWILIO_REST_RATE_PER_SECOND (the same value on every worker); Switchboard retries as TwilioRateLimited and waits for Retry-After.',
  },
  {
    code: '21211',
    kind: 'error',
    title: "Invalid 'To' phone number",
    meaning: 'The To number of a call or message is not a valid phone number.',
    cause:
      'The number is not in E.164 form (missing + or country code), has too few digits, or carries formatting characters.',
    fix: 'Normalise numbers to E.164 before dialing. Not retried (TwilioPermanent).',
  },
  {
    code: '21214',
    kind: 'error',
    title: "'To' phone number cannot be reached",
    meaning: 'The number is valid in form but Twilio has no route to it.',
    cause:
      'The number is not in service, belongs to a range no carrier serves, or is a type Twilio does not call.',
    fix: 'Confirm the number with its owner or a lookup; remove it from lists. Not retried (TwilioPermanent).',
  },
  {
    code: '21215',
    kind: 'error',
    title: 'Geo permission not enabled for this number',
    meaning: "The account is not allowed to call the destination's country or number range.",
    cause:
      'Voice geographic permissions exclude the country, or the number is a high-risk range the account has not enabled.',
    fix: 'Enable the country in Console > Voice > Settings > Geo permissions. Not retried (TwilioPermanent).',
  },
  {
    code: '21217',
    kind: 'error',
    title: 'Phone number does not appear to be valid',
    meaning: 'Twilio parsed the number and found it invalid for its country.',
    cause: 'A wrong country code or a number of the wrong length for its country.',
    fix: 'Correct the number in E.164 form. Not retried (TwilioPermanent).',
  },
  {
    code: '21610',
    kind: 'error',
    title: 'Recipient unsubscribed',
    meaning: 'The recipient replied STOP to this sender, so Twilio refuses to message them.',
    cause:
      'An SMS follow-up (for example a callback confirmation) targets a number that opted out.',
    fix: 'Honour the opt-out and remove the number; only the recipient can undo it by texting START. Not retried (TwilioPermanent).',
  },
  {
    code: '30003',
    kind: 'error',
    title: 'Unreachable destination handset',
    meaning:
      'The carrier could not deliver the message: the handset is off, out of coverage or unreachable.',
    cause:
      'The phone is switched off or roaming without service, or the carrier reported it unreachable.',
    fix: 'Retry later or fall back to a call; the message status callback carries the code.',
  },
  {
    code: '30005',
    kind: 'error',
    title: 'Unknown destination handset',
    meaning: 'The carrier does not know the number, or it is no longer active.',
    cause: 'The number was disconnected, ported away or never existed.',
    fix: 'Stop messaging the number and confirm it with its owner.',
  },
  {
    code: '30006',
    kind: 'error',
    title: 'Landline or unreachable carrier',
    meaning: 'The number cannot receive SMS: a landline, or a carrier Twilio cannot reach.',
    cause: 'An SMS follow-up targets a landline, often the number a caller rang from.',
    fix: 'Use a voice call for landlines; check the line type before sending SMS.',
  },
  {
    code: '30007',
    kind: 'error',
    title: 'Message filtered',
    meaning: 'The carrier or Twilio blocked the message as spam or unregistered traffic.',
    cause:
      'Content that looks like spam, URL shorteners, or (in the US) a number not registered for A2P 10DLC.',
    fix: 'Register the sender (A2P 10DLC or toll-free verification) and make the text plainly transactional.',
  },
  {
    code: '32011',
    kind: 'warning',
    title: 'Error communicating with your SIP infrastructure',
    meaning:
      'A SIP endpoint Twilio tried did not answer in time, answered with an error or answered invalidly; Twilio may fail over to the next URI.',
    cause:
      "The PBX/SBC is down or unreachable, a firewall blocks Twilio's SIP addresses, the SIP URI (trunk origination URI or <Dial><Sip>) is wrong, or the endpoint lacks TLS 1.2.",
    fix: "Check the SIP URI, open the firewall to Twilio's SIP signalling ranges, and read the SIP response in the notification; Twilio logs one per failed attempt.",
  },
  {
    code: '32021',
    kind: 'warning',
    title: 'SIP: call to your SIP endpoint failed',
    meaning:
      'Twilio could not complete a call to your SIP endpoint; the notification names the SIP response or timeout.',
    cause:
      'The SIP endpoint refused or timed out on the INVITE, often for credentials, codecs or a wrong URI.',
    fix: "Read the SIP status in the notification and look it up here (SIP 403/404/480/486/488/503); check the SIP URI and the endpoint's log.",
  },
  {
    code: '64002',
    kind: 'error',
    title: 'Pay: service unavailable',
    meaning: 'A <Pay> verb could not reach its payment connector.',
    cause: 'The Pay connector configured on the account is unavailable or misconfigured.',
    fix: "Check the Pay connector in Console > Voice > Pay Connectors; Switchboard's IVRs do not render <Pay>, so this comes from TwiML outside Switchboard.",
  },
  {
    code: 'SIP 403',
    kind: 'sip',
    title: 'Forbidden',
    meaning: 'The far end refused the call for this caller.',
    cause:
      'The SIP domain or trunk rejects the credentials or source IP (IP access control list, credential list), or the caller ID is not allowed.',
    fix: "Add Twilio's signalling addresses to the PBX allow list, or fix the credentials on the SIP domain/trunk.",
  },
  {
    code: 'SIP 404',
    kind: 'sip',
    title: 'Not Found',
    meaning: 'The far end does not know the user or number in the Request-URI.',
    cause:
      'A wrong SIP URI user part, an extension that does not exist, or a number the PBX does not route.',
    fix: 'Correct the SIP URI in the IVR or trunk configuration; check the PBX dial plan.',
  },
  {
    code: 'SIP 480',
    kind: 'sip',
    title: 'Temporarily Unavailable',
    meaning: 'The callee exists but cannot take calls now.',
    cause:
      'The SIP phone is not registered, do-not-disturb is on, or a mobile carrier could not reach the handset.',
    fix: "Check the endpoint's registration; retry later or route to voicemail.",
  },
  {
    code: 'SIP 486',
    kind: 'sip',
    title: 'Busy Here',
    meaning: 'The callee is busy; the call ends with status busy.',
    cause: 'The line is in another call and has no call waiting, or the callee rejected the call.',
    fix: 'Nothing is broken: offer a callback or retry later.',
  },
  {
    code: 'SIP 488',
    kind: 'sip',
    title: 'Not Acceptable Here',
    meaning:
      'The far end accepts none of the offered media: no common codec or encryption setting.',
    cause:
      'The PBX allows only codecs Twilio does not offer (Twilio offers PCMU/PCMA, and Opus to some endpoints), SRTP is required on one side only, or an SBC rewrites the SDP.',
    fix: 'Enable PCMU or PCMA on the PBX/SBC, align secure media (SRTP) on both sides, and capture the SDP; the same mismatch after answer shows as calls with no audio.',
  },
  {
    code: 'SIP 503',
    kind: 'sip',
    title: 'Service Unavailable',
    meaning: 'The far end or a carrier on the path is overloaded or out of service.',
    cause: 'The PBX is down or at capacity, or a carrier route failed.',
    fix: "Check the PBX's health and capacity; configure a second origination URI so Twilio can fail over.",
  },
];
