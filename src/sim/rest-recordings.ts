import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { toneWavChunks, toneWavSize } from './audio';
import type { SimCore } from './core';
import { apiErrors, TwilioApiError } from './errors';
import type { RecordingRecord } from './model';
import { pageOf } from './paging';
import { completeRecording, openRecording, parseRecordingEvents } from './recordings';
import { interruptedMedia } from './media-faults';
import { absoluteUrl, asParams, list, method, newestFirst, splitFile, str } from './rest-params';
import { accountPath, recordingJson } from './serialize';

type FileReq = FastifyRequest<{ Params: { AccountSid: string; file: string } }>;
type CallReq = FastifyRequest<{ Params: { AccountSid: string; CallSid: string } }>;
type CallFileReq = FastifyRequest<{
  Params: { AccountSid: string; CallSid: string; file: string };
}>;

/**
 * Real time a REST-controlled recording has spent in progress; pauses with PauseBehavior=silence
 * count too (Twilio fills them with silence), pauses with `skip` do not.
 */
interface Meter {
  since: number | null;
  accumulatedMs: number;
  pausedSince: number | null;
  pauseBehavior: 'skip' | 'silence';
}

const TRACKS = ['inbound', 'outbound', 'both'] as const;

/** The Sid in `/Calls/{Sid}/Recordings/{file}`, where `Twilio.CURRENT.json` keeps its dot. */
function callFileId(file: string): string {
  return /^Twilio\.CURRENT(\.json)?$/.test(file) ? 'Twilio.CURRENT' : splitFile(file).id;
}

export function recordingRoutes(core: SimCore) {
  const base = `${accountPath(core.accountSid)}/Recordings`;
  const meters = new Map<string, Meter>();
  const find = (sid: string, callSid?: string): RecordingRecord => {
    // Twilio.CURRENT names the call's active (recording or paused) recording, as at Twilio.
    const r =
      sid === 'Twilio.CURRENT' && callSid
        ? newestFirst(core.store.recordings.values()).find(
            (x) => x.callSid === callSid && meters.has(x.sid),
          )
        : core.store.recordings.get(sid);
    if (!r || (callSid && r.callSid !== callSid)) throw apiErrors.notFound(`${base}/${sid}.json`);
    return r;
  };
  const json = (r: RecordingRecord) => recordingJson(core.accountSid, r, core.baseUrl);
  // The Call Recording resource also says which track it records.
  const callJson = (r: RecordingRecord) => ({ ...json(r), track: r.track });
  const note = (
    rec: RecordingRecord,
    status: 'in-progress' | 'paused' | 'stopped',
    meter?: Meter,
  ) =>
    core.live.get(rec.callSid)?.note({
      type: 'recording-control',
      recordingSid: rec.sid,
      status,
      ...(status === 'paused' && meter ? { pauseBehavior: meter.pauseBehavior } : {}),
    });

  const stop = async (rec: RecordingRecord): Promise<void> => {
    const meter = meters.get(rec.sid);
    meters.delete(rec.sid);
    if (!meter) return;
    const now = Date.now();
    const silence = meter.pausedSince !== null && meter.pauseBehavior === 'silence';
    const ms =
      meter.accumulatedMs +
      (meter.since === null ? 0 : now - meter.since) +
      (silence ? now - meter.pausedSince! : 0);
    rec.status = 'stopped';
    const leg = core.live.get(rec.callSid);
    note(rec, 'stopped');
    const spec = leg?.script.callRecording;
    const text = spec?.text ?? leg?.script.records?.[0]?.text ?? `recording of ${rec.callSid}`;
    await completeRecording(core, leg, rec, text, spec?.durationSec ?? ms / 1000, {
      ...(spec?.audioFile ? { audioFile: spec.audioFile } : {}),
      ...(spec?.sizeBytes ? { sizeBytes: spec.sizeBytes } : {}),
    });
  };

  // A recording started over REST completes when its call ends.
  core.legEndHooks.push((leg) => {
    for (const rec of core.store.recordings.values()) {
      if (rec.callSid === leg.sid && meters.has(rec.sid)) core.callbacks.track(stop(rec));
    }
  });

  const media = (rec: RecordingRecord, ext: string, reply: FastifyReply): FastifyReply => {
    if (ext === 'mp3') {
      throw new TwilioApiError(
        20404,
        404,
        'MP3 media is not available from this simulator (its sox has no MP3 encoder); request .wav',
      );
    }
    const gen = rec.generated;
    if (!rec.media && !gen) throw apiErrors.notFound(`${base}/${rec.sid}.${ext || 'wav'}`);
    const size = gen ? toneWavSize(gen.seconds, gen.channels) : rec.media!.length;
    const chunks = (): Iterable<Buffer> =>
      gen ? toneWavChunks(gen.seconds, gen.channels) : [rec.media!];
    const cut = core.faults.takeMediaInterruption(rec.sid);
    if (cut !== undefined) return interruptedMedia(reply, size, chunks(), cut);
    return reply
      .type('audio/x-wav')
      .header('Content-Length', size)
      .send(gen ? Readable.from(chunks()) : rec.media);
  };

  return function routes(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void): void {
    app.get('/Recordings.json', (req) => {
      const q = asParams(req.query);
      const callSid = str(q, 'CallSid');
      const conferenceSid = str(q, 'ConferenceSid');
      const items = newestFirst(core.store.recordings.values()).filter(
        (r) =>
          (!callSid || r.callSid === callSid) &&
          (!conferenceSid || r.conferenceSid === conferenceSid),
      );
      return pageOf('recordings', `${base}.json`, q, items, json);
    });

    // `.json` is the resource; no extension or `.wav` is the audio, as at Twilio.
    app.get('/Recordings/:file', async (req: FileReq, reply) => {
      const { id, ext } = splitFile(req.params.file);
      const rec = find(id);
      if (ext === 'json') return json(rec);
      return media(rec, ext, reply);
    });

    app.delete('/Recordings/:file', async (req: FileReq, reply) => {
      const rec = find(splitFile(req.params.file).id);
      core.store.recordings.delete(rec.sid);
      meters.delete(rec.sid);
      return reply.code(204).send();
    });

    app.get('/Calls/:CallSid/Recordings.json', (req: CallReq) => {
      const q = asParams(req.query);
      if (!core.store.calls.has(req.params.CallSid)) {
        throw apiErrors.notFound(
          `${accountPath(core.accountSid)}/Calls/${req.params.CallSid}.json`,
        );
      }
      const items = newestFirst(core.store.recordings.values()).filter(
        (r) => r.callSid === req.params.CallSid,
      );
      return pageOf(
        'recordings',
        `${accountPath(core.accountSid)}/Calls/${req.params.CallSid}/Recordings.json`,
        q,
        items,
        json,
      );
    });

    app.post('/Calls/:CallSid/Recordings.json', async (req: CallReq, reply) => {
      const p = asParams(req.body);
      const leg = core.live.get(req.params.CallSid);
      if (!core.store.calls.has(req.params.CallSid)) {
        throw apiErrors.notFound(
          `${accountPath(core.accountSid)}/Calls/${req.params.CallSid}.json`,
        );
      }
      if (!leg || !leg.answered)
        throw new TwilioApiError(21220, 400, 'Requested resource is not eligible for recording');
      const cbUrl = absoluteUrl(p, 'RecordingStatusCallback');
      // Twilio records both parties on two channels unless told `mono`.
      const channels = str(p, 'RecordingChannels') ?? 'dual';
      if (channels !== 'dual' && channels !== 'mono') {
        throw apiErrors.invalidParam('RecordingChannels', channels);
      }
      const track = str(p, 'RecordingTrack') ?? 'both';
      if (!(TRACKS as readonly string[]).includes(track)) {
        throw apiErrors.invalidParam('RecordingTrack', track);
      }
      const rec = openRecording(core, leg, {
        source: 'StartCallRecordingAPI',
        callSid: leg.sid,
        channels: channels === 'dual' ? 2 : 1,
        track: track as RecordingRecord['track'],
        ...(cbUrl
          ? {
              callback: {
                url: cbUrl,
                method: method(p, 'RecordingStatusCallbackMethod') ?? 'POST',
                events: parseRecordingEvents(list(p, 'RecordingStatusCallbackEvent')),
              },
            }
          : {}),
      });
      meters.set(rec.sid, {
        since: Date.now(),
        accumulatedMs: 0,
        pausedSince: null,
        pauseBehavior: 'silence',
      });
      note(rec, 'in-progress');
      return reply.code(201).send(callJson(rec));
    });

    app.get('/Calls/:CallSid/Recordings/:file', (req: CallFileReq) =>
      callJson(find(callFileId(req.params.file), req.params.CallSid)),
    );

    app.delete('/Calls/:CallSid/Recordings/:file', async (req: CallFileReq, reply) => {
      const rec = find(callFileId(req.params.file), req.params.CallSid);
      core.store.recordings.delete(rec.sid);
      meters.delete(rec.sid);
      return reply.code(204).send();
    });

    app.post('/Calls/:CallSid/Recordings/:file', (req: CallFileReq) => {
      const rec = find(callFileId(req.params.file), req.params.CallSid);
      const p = asParams(req.body);
      const status = str(p, 'Status');
      const meter = meters.get(rec.sid);
      if (!meter) throw new TwilioApiError(21220, 400, 'Recording is not in progress');
      const behavior = str(p, 'PauseBehavior') ?? 'silence';
      if (behavior !== 'skip' && behavior !== 'silence') {
        throw apiErrors.invalidParam('PauseBehavior', behavior);
      }
      const now = Date.now();
      if (status === 'paused' && rec.status === 'in-progress') {
        meter.accumulatedMs += meter.since === null ? 0 : now - meter.since;
        meter.since = null;
        meter.pausedSince = now;
        meter.pauseBehavior = behavior;
        rec.status = 'paused';
        note(rec, 'paused', meter);
      } else if (status === 'in-progress' && rec.status === 'paused') {
        if (meter.pausedSince !== null && meter.pauseBehavior === 'silence') {
          meter.accumulatedMs += now - meter.pausedSince;
        }
        meter.pausedSince = null;
        meter.since = now;
        rec.status = 'in-progress';
        note(rec, 'in-progress');
      } else if (status === 'stopped') {
        const snapshot = callJson({ ...rec, status: 'stopped' });
        core.callbacks.track(stop(rec));
        return snapshot;
      } else if (status !== 'paused' && status !== 'in-progress') {
        throw apiErrors.invalidParam('Status', status ?? '');
      }
      // Pause and resume change the resource only; Twilio's callback events are start and end.
      rec.dateUpdated = core.now();
      return callJson(rec);
    });
    done();
  };
}
