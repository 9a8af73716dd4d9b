import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimCore } from './core';
import { rfc2822 } from './dates';
import { apiErrors, TwilioApiError } from './errors';
import { pageOf } from './paging';
import { isE164 } from './phone';
import {
  absoluteUrl,
  asParams,
  method,
  newestFirst,
  splitFile,
  str,
  type Params,
} from './rest-params';
import { accountPath, API_VERSION } from './serialize';

/** A number on the simulated account, with the webhooks Twilio calls for it. */
export interface PhoneNumberRecord {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  /** Empty when unset, as Twilio writes an unset URL. */
  voiceUrl: string;
  voiceMethod: 'GET' | 'POST';
  voiceFallbackUrl: string;
  voiceFallbackMethod: 'GET' | 'POST';
  statusCallback: string;
  statusCallbackMethod: 'GET' | 'POST';
  dateCreated: Date;
  dateUpdated: Date;
}

/** What a test seeds (or a REST POST creates); unset webhooks stay empty, methods default to POST. */
export interface PhoneNumberInput {
  phoneNumber: string;
  friendlyName?: string;
  voiceUrl?: string;
  voiceMethod?: 'GET' | 'POST';
  voiceFallbackUrl?: string;
  voiceFallbackMethod?: 'GET' | 'POST';
  statusCallback?: string;
  statusCallbackMethod?: 'GET' | 'POST';
}

export function addPhoneNumber(core: SimCore, input: PhoneNumberInput): PhoneNumberRecord {
  if (!isE164(input.phoneNumber)) {
    throw new TwilioApiError(21421, 400, `PhoneNumber is invalid: ${input.phoneNumber}`);
  }
  for (const n of core.store.numbers.values()) {
    if (n.phoneNumber === input.phoneNumber) {
      throw new TwilioApiError(21422, 400, `PhoneNumber ${input.phoneNumber} is not available`);
    }
  }
  const now = core.now();
  const record: PhoneNumberRecord = {
    sid: core.newSid('PN'),
    phoneNumber: input.phoneNumber,
    friendlyName: input.friendlyName ?? input.phoneNumber,
    voiceUrl: input.voiceUrl ?? '',
    voiceMethod: input.voiceMethod ?? 'POST',
    voiceFallbackUrl: input.voiceFallbackUrl ?? '',
    voiceFallbackMethod: input.voiceFallbackMethod ?? 'POST',
    statusCallback: input.statusCallback ?? '',
    statusCallbackMethod: input.statusCallbackMethod ?? 'POST',
    dateCreated: now,
    dateUpdated: now,
  };
  core.store.numbers.set(record.sid, record);
  return record;
}

export function phoneNumberJson(accountSid: string, n: PhoneNumberRecord): Record<string, unknown> {
  return {
    sid: n.sid,
    account_sid: accountSid,
    api_version: API_VERSION,
    friendly_name: n.friendlyName,
    phone_number: n.phoneNumber,
    voice_url: n.voiceUrl,
    voice_method: n.voiceMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_caller_id_lookup: false,
    voice_application_sid: '',
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    sms_url: '',
    sms_method: 'POST',
    trunk_sid: null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    status: 'in-use',
    origin: 'twilio',
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateUpdated),
    uri: `${accountPath(accountSid)}/IncomingPhoneNumbers/${n.sid}.json`,
  };
}

/** The webhook fields a POST may set, Twilio's parameter names to the record's. */
function webhookFields(p: Params): Partial<PhoneNumberInput> {
  const fields: Partial<PhoneNumberInput> = {};
  const friendlyName = str(p, 'FriendlyName');
  if (friendlyName !== undefined) fields.friendlyName = friendlyName;
  // An empty VoiceUrl or StatusCallback clears it, as on Twilio; str() treats '' as unset.
  if (p.VoiceUrl !== undefined) fields.voiceUrl = absoluteUrl(p, 'VoiceUrl') ?? '';
  if (p.VoiceFallbackUrl !== undefined) {
    fields.voiceFallbackUrl = absoluteUrl(p, 'VoiceFallbackUrl') ?? '';
  }
  if (p.StatusCallback !== undefined) {
    fields.statusCallback = absoluteUrl(p, 'StatusCallback') ?? '';
  }
  const voiceMethod = method(p, 'VoiceMethod');
  if (voiceMethod) fields.voiceMethod = voiceMethod;
  const fallbackMethod = method(p, 'VoiceFallbackMethod');
  if (fallbackMethod) fields.voiceFallbackMethod = fallbackMethod;
  const statusMethod = method(p, 'StatusCallbackMethod');
  if (statusMethod) fields.statusCallbackMethod = statusMethod;
  return fields;
}

type Req = FastifyRequest<{ Params: { AccountSid: string; file: string } }>;

/** IncomingPhoneNumbers: list, fetch, create (a number given by PhoneNumber), update, release. */
export function numberRoutes(core: SimCore) {
  const base = `${accountPath(core.accountSid)}/IncomingPhoneNumbers`;
  const json = (n: PhoneNumberRecord) => phoneNumberJson(core.accountSid, n);
  const find = (file: string): PhoneNumberRecord => {
    const sid = splitFile(file).id;
    const n = core.store.numbers.get(sid);
    if (!n) throw apiErrors.notFound(`${base}/${sid}.json`);
    return n;
  };

  return function routes(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.get('/IncomingPhoneNumbers.json', (req) => {
      const q = asParams(req.query);
      const phoneNumber = str(q, 'PhoneNumber');
      const friendlyName = str(q, 'FriendlyName');
      const items = newestFirst(core.store.numbers.values()).filter(
        (n) =>
          (!phoneNumber || n.phoneNumber === phoneNumber) &&
          (!friendlyName || n.friendlyName === friendlyName),
      );
      return pageOf('incoming_phone_numbers', `${base}.json`, q, items, json);
    });

    app.post('/IncomingPhoneNumbers.json', async (req, reply) => {
      const p = asParams(req.body);
      const phoneNumber = str(p, 'PhoneNumber');
      if (!phoneNumber) throw apiErrors.missingParam(21421, 'PhoneNumber');
      const n = addPhoneNumber(core, { ...webhookFields(p), phoneNumber });
      return reply.code(201).send(json(n));
    });

    app.get('/IncomingPhoneNumbers/:file', (req: Req) => json(find(req.params.file)));

    app.post('/IncomingPhoneNumbers/:file', (req: Req) => {
      const n = find(req.params.file);
      Object.assign(n, webhookFields(asParams(req.body)), { dateUpdated: core.now() });
      return json(n);
    });

    app.delete('/IncomingPhoneNumbers/:file', async (req: Req, reply) => {
      core.store.numbers.delete(find(req.params.file).sid);
      return reply.code(204).send();
    });
    done();
  };
}
