import type { SimCore } from './core';
import { apiErrors } from './errors';
import type { MessageRecord, MessageStatus } from './model';
import { isE164 } from './phone';
import { API_VERSION } from './serialize';
import { Transcript } from './transcript';

/** Twilio's default opt-out and opt-in keywords (Advanced Opt-Out off). */
const STOP_WORDS = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
]);
const START_WORDS = new Set(['START', 'YES', 'UNSTOP']);
const HELP_WORDS = new Set(['HELP', 'INFO']);

/** Callbacks about messages, which belong to no call, are recorded here. */
export const messageLog = new WeakMap<SimCore, Transcript>();

export function messageTranscript(core: SimCore): Transcript {
  let t = messageLog.get(core);
  if (!t) {
    t = new Transcript();
    messageLog.set(core, t);
  }
  return t;
}

export interface NewMessage {
  to?: string;
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  statusCallback?: string;
}

/** REST `Messages.create`: validates, refuses opted-out recipients (21610), then delivers. */
export function createMessage(core: SimCore, p: NewMessage): MessageRecord {
  if (!p.to) throw apiErrors.missingParam(21604, 'To');
  if (!p.from && !p.messagingServiceSid) throw apiErrors.missingParam(21603, 'From');
  if (!p.body) throw apiErrors.missingParam(21602, 'Body');
  if (!isE164(p.to)) throw apiErrors.invalidTo(p.to);
  if (core.store.optedOut.has(p.to)) throw apiErrors.unsubscribed();
  const now = core.now();
  const m: MessageRecord = {
    sid: core.newSid('SM'),
    to: p.to,
    from: p.from ?? null,
    messagingServiceSid: p.messagingServiceSid ?? null,
    body: p.body,
    // With a Messaging Service a message starts `accepted`, otherwise `queued`.
    status: p.messagingServiceSid ? 'accepted' : 'queued',
    direction: 'outbound-api',
    dateCreated: now,
    dateUpdated: now,
    errorCode: null,
    errorMessage: null,
    ...(p.statusCallback ? { statusCallback: p.statusCallback } : {}),
  };
  core.store.messages.set(m.sid, m);
  setImmediate(() => deliver(core, m));
  return m;
}

function deliver(core: SimCore, m: MessageRecord): void {
  const outcome = core.messageOutcomes.get(m.to) ?? 'delivered';
  // Twilio sends no callback for the initial status, only for the changes after it.
  const steps: MessageStatus[] = m.messagingServiceSid ? ['queued'] : [];
  if (outcome === 'failed') steps.push('failed');
  else {
    steps.push('sent');
    if (outcome !== 'sent') steps.push(outcome);
  }
  for (const status of steps) {
    m.status = status;
    m.dateUpdated = core.now();
    if (status === 'sent') m.dateSent = m.dateUpdated;
    if (status === 'undelivered') {
      m.errorCode = 30003;
      m.errorMessage = 'Unreachable destination handset';
    } else if (status === 'failed') {
      m.errorCode = 30008;
      m.errorMessage = 'Unknown error';
    }
    if (!m.statusCallback) continue;
    const params: Record<string, string> = {
      AccountSid: core.accountSid,
      ApiVersion: API_VERSION,
      MessageSid: m.sid,
      SmsSid: m.sid,
      MessageStatus: status,
      SmsStatus: status,
      To: m.to,
    };
    if (m.from) params.From = m.from;
    if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
    if (m.errorCode !== null) params.ErrorCode = String(m.errorCode);
    core.callbacks.send({
      kind: 'message',
      event: status,
      url: m.statusCallback,
      method: 'POST',
      params,
      group: m.sid,
      callSid: m.sid,
      at: 0,
      transcript: messageTranscript(core),
    });
  }
  core.callbacks.release(m.sid);
}

export interface InboundSms {
  from: string;
  to: string;
  body: string;
  /** Defaults to the simulator's `messagingWebhookUrl`. */
  url?: string;
  messagingServiceSid?: string;
}

export interface InboundSmsResult {
  messageSid: string;
  status?: number;
  contentType?: string;
  body?: string;
  failure?: string;
  optOut?: 'STOP' | 'START' | 'HELP';
}

/** Delivers an inbound SMS: applies STOP/START and posts Twilio's messaging webhook. */
export async function receiveSms(core: SimCore, sms: InboundSms): Promise<InboundSmsResult> {
  const word = sms.body.trim().toUpperCase();
  const optOut = STOP_WORDS.has(word)
    ? 'STOP'
    : START_WORDS.has(word)
      ? 'START'
      : HELP_WORDS.has(word)
        ? 'HELP'
        : undefined;
  if (optOut === 'STOP') core.store.optedOut.add(sms.from);
  if (optOut === 'START') core.store.optedOut.delete(sms.from);
  const now = core.now();
  const m: MessageRecord = {
    sid: core.newSid('SM'),
    to: sms.to,
    from: sms.from,
    messagingServiceSid: sms.messagingServiceSid ?? null,
    body: sms.body,
    status: 'received',
    direction: 'inbound',
    dateCreated: now,
    dateUpdated: now,
    errorCode: null,
    errorMessage: null,
  };
  core.store.messages.set(m.sid, m);
  const url = sms.url ?? core.messagingWebhookUrl;
  const result: InboundSmsResult = { messageSid: m.sid, ...(optOut ? { optOut } : {}) };
  if (!url) return result;
  const params: Record<string, string> = {
    AccountSid: core.accountSid,
    ApiVersion: API_VERSION,
    MessageSid: m.sid,
    SmsSid: m.sid,
    SmsMessageSid: m.sid,
    From: sms.from,
    To: sms.to,
    Body: sms.body,
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
  };
  if (sms.messagingServiceSid) params.MessagingServiceSid = sms.messagingServiceSid;
  if (optOut) params.OptOutType = optOut;
  const { outcome, attempts } = await core.webhooks.send({ url, method: 'POST', params });
  const last = attempts[attempts.length - 1];
  if (last?.status !== undefined) result.status = last.status;
  if (outcome.ok) {
    result.contentType = outcome.contentType;
    result.body = outcome.body;
  } else result.failure = outcome.message;
  return result;
}
