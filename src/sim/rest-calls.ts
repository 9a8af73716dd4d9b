import type { FastifyInstance, FastifyRequest } from 'fastify';
import { amdSettingsOf } from './amd';
import { callFilter } from './call-filters';
import { startOutboundCall } from './calls';
import type { SimCore } from './core';
import { apiErrors, TwilioApiError } from './errors';
import { statusCallbackConfig } from './legs';
import { FINAL_CALL_STATUSES } from './model';
import { pageOf } from './paging';
import { isValidVoiceAddress } from './phone';
import { routingParams } from './routing-params';
import { parseRecordingEvents } from './recordings';
import {
  absoluteUrl,
  asParams,
  bool,
  int,
  list,
  method,
  newestFirst,
  splitFile,
  str,
} from './rest-params';
import { accountPath, callJson } from './serialize';

type Req = FastifyRequest<{ Params: { AccountSid: string; file: string } }>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function callRoutes(core: SimCore) {
  const base = `${accountPath(core.accountSid)}/Calls`;
  const json = (sid: string) => {
    const call = core.store.calls.get(sid);
    if (!call) throw apiErrors.notFound(`${base}/${sid}.json`);
    return callJson(core.accountSid, call);
  };

  return function routes(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.post('/Calls.json', async (req, reply) => {
      const p = asParams(req.body);
      const to = str(p, 'To');
      const from = str(p, 'From');
      if (!to) throw new TwilioApiError(21201, 400, "No 'To' number is specified");
      if (!isValidVoiceAddress(to)) throw apiErrors.invalidTo(to);
      if (!from) throw new TwilioApiError(21213, 400, "No 'From' number is specified");
      if (!isValidVoiceAddress(from)) throw apiErrors.invalidFrom(from);
      const routing = routingParams(core, p, to);
      const url = absoluteUrl(p, 'Url');
      const twiml = str(p, 'Twiml');
      if (!url && twiml === undefined) {
        throw new TwilioApiError(
          21205,
          400,
          'Url parameter is required. Provide Url, Twiml or ApplicationSid.',
        );
      }
      const amd = amdSettingsOf(p);
      const timeLimit = int(p, 'TimeLimit', DEFAULT_TIME_LIMIT_SEC);
      if (timeLimit < 1 || timeLimit > MAX_TIME_LIMIT_SEC) {
        throw apiErrors.invalidParam('TimeLimit', String(timeLimit));
      }
      const recordingUrl = absoluteUrl(p, 'RecordingStatusCallback');
      const fallbackUrl = absoluteUrl(p, 'FallbackUrl');
      const fallbackMethod = method(p, 'FallbackMethod');
      const statusCallback = statusCallbackConfig(
        absoluteUrl(p, 'StatusCallback'),
        str(p, 'StatusCallbackMethod'),
        list(p, 'StatusCallbackEvent'),
      );
      const asyncAmdStatusCallback = absoluteUrl(p, 'AsyncAmdStatusCallback');
      const asyncAmdStatusCallbackMethod = method(p, 'AsyncAmdStatusCallbackMethod');
      // Last of the checks: a refused create takes no place in the account's queue.
      const queueTimeMs = core.dialQueue.reserve();
      const leg = startOutboundCall(core, {
        to,
        from,
        ...routing,
        ...(url ? { url } : {}),
        ...(twiml !== undefined ? { twiml } : {}),
        method: method(p, 'Method') ?? 'POST',
        ...(fallbackUrl ? { fallbackUrl } : {}),
        ...(fallbackMethod ? { fallbackMethod } : {}),
        ...(statusCallback ? { statusCallback } : {}),
        // Twilio lets a REST call ring for 60 s unless Timeout says otherwise.
        timeoutSec: int(p, 'Timeout', 60),
        ...(amd ? { amd } : {}),
        timeLimitSec: timeLimit,
        queueTimeMs,
        asyncAmd: bool(p, 'AsyncAmd') ?? false,
        ...(asyncAmdStatusCallback ? { asyncAmdStatusCallback } : {}),
        ...(asyncAmdStatusCallbackMethod ? { asyncAmdStatusCallbackMethod } : {}),
        record: bool(p, 'Record') ?? false,
        ...(recordingUrl
          ? {
              recordingCallback: {
                url: recordingUrl,
                method: method(p, 'RecordingStatusCallbackMethod') ?? 'POST',
                events: parseRecordingEvents(list(p, 'RecordingStatusCallbackEvent')),
              },
            }
          : {}),
      });
      return reply.code(201).send(json(leg.sid));
    });

    app.get('/Calls.json', (req) => {
      const q = asParams(req.query);
      const calls = newestFirst(core.store.calls.values()).filter(callFilter(q));
      return pageOf('calls', `${base}.json`, q, calls, (c) => callJson(core.accountSid, c));
    });

    app.get('/Calls/:file', (req: Req) => json(splitFile(req.params.file).id));

    app.post('/Calls/:file', async (req: Req) => {
      const sid = splitFile(req.params.file).id;
      const record = core.store.calls.get(sid);
      if (!record) throw apiErrors.notFound(`${base}/${sid}.json`);
      const p = asParams(req.body);
      const status = str(p, 'Status');
      const url = absoluteUrl(p, 'Url');
      const twiml = str(p, 'Twiml');
      const leg = core.live.get(sid);
      if (status !== undefined && status !== 'completed' && status !== 'canceled') {
        throw apiErrors.invalidParam('Status', status);
      }
      if (status) {
        // canceled only affects calls not yet answered; completed ends any live call.
        const ringing = record.status === 'queued' || record.status === 'ringing';
        if (leg && (status === 'completed' || ringing)) {
          leg.interrupt({ kind: 'hangup', status });
          await waitForEnd(core, sid);
        }
        return json(sid);
      }
      if (url || twiml !== undefined) {
        if (!leg || FINAL_CALL_STATUSES.includes(record.status))
          throw apiErrors.callNotInProgress();
        leg.interrupt(
          twiml !== undefined
            ? { kind: 'twiml', twiml }
            : { kind: 'redirect', url: url ?? '', method: method(p, 'Method') ?? 'POST' },
        );
      }
      return json(sid);
    });

    app.delete('/Calls/:file', async (req: Req, reply) => {
      const sid = splitFile(req.params.file).id;
      if (!core.store.calls.delete(sid)) throw apiErrors.notFound(`${base}/${sid}.json`);
      return reply.code(204).send();
    });
    done();
  };
}

/** Twilio's default TimeLimit is 4 hours; 24 hours is the longest call it keeps up. */
const DEFAULT_TIME_LIMIT_SEC = 14_400;
const MAX_TIME_LIMIT_SEC = 86_400;

/** Lets a hangup settle so the response shows the final status, as Twilio's mostly does. */
async function waitForEnd(core: SimCore, sid: string): Promise<void> {
  for (let i = 0; i < 100 && core.live.has(sid); i++) await sleep(10);
}
