import { synthesizeWav } from './audio';
import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import { rfc2822 } from './dates';
import type { RecordingRecord, RecordingSource } from './model';
import { API_VERSION } from './serialize';
import type { HttpMethod } from './webhook-client';

export interface RecordingCallbackConfig {
  url: string;
  method: HttpMethod;
  /** Twilio's recordingStatusCallbackEvent: in-progress, completed, absent (default completed). */
  events: string[];
}

export function parseRecordingEvents(raw: string | string[] | undefined): string[] {
  const list = (Array.isArray(raw) ? raw : (raw ?? '').split(/[\s,]+/)).filter(Boolean);
  return list.length > 0 ? list : ['completed'];
}

function callbackParams(core: SimCore, rec: RecordingRecord): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: core.accountSid,
    ApiVersion: API_VERSION,
    CallSid: rec.callSid,
    RecordingSid: rec.sid,
    RecordingUrl: core.recordingUrl(rec.sid),
    RecordingStatus: rec.status,
    RecordingDuration: String(rec.status === 'completed' ? rec.duration : 0),
    RecordingChannels: String(rec.channels),
    RecordingStartTime: rfc2822(rec.startTime),
    RecordingSource: rec.source,
    RecordingTrack: rec.track,
  };
  if (rec.conferenceSid) params.ConferenceSid = rec.conferenceSid;
  if (rec.errorCode !== null) params.ErrorCode = String(rec.errorCode);
  return params;
}

/** Sends the recording status callback for `rec.status` if that event was asked for. */
export function notifyRecording(
  core: SimCore,
  leg: CallLeg | undefined,
  rec: RecordingRecord,
): void {
  const cb = rec.statusCallback;
  if (!cb || !cb.events.includes(rec.status)) return;
  core.callbacks.send({
    kind: 'recording',
    event: rec.status,
    url: cb.url,
    method: cb.method,
    params: callbackParams(core, rec),
    group: rec.callSid,
    callSid: rec.callSid,
    at: leg?.elapsedMs ?? 0,
    ...(leg ? { transcript: leg.transcript } : {}),
    ...(leg?.callbackFaults ? { faults: leg.callbackFaults } : {}),
  });
}

export interface NewRecording {
  source: RecordingSource;
  callSid: string;
  conferenceSid?: string;
  channels?: 1 | 2;
  callback?: RecordingCallbackConfig;
}

/** Creates a recording in progress (REST start, or the start of a verb's recording). */
export function openRecording(
  core: SimCore,
  leg: CallLeg | undefined,
  spec: NewRecording,
): RecordingRecord {
  const now = leg?.now() ?? core.now();
  const rec: RecordingRecord = {
    sid: core.newSid('RE'),
    callSid: spec.callSid,
    conferenceSid: spec.conferenceSid ?? null,
    status: 'in-progress',
    source: spec.source,
    channels: spec.channels ?? 1,
    track: spec.channels === 2 ? 'both' : 'inbound',
    duration: 0,
    startTime: now,
    dateCreated: now,
    dateUpdated: now,
    errorCode: null,
    text: '',
    ...(spec.callback ? { statusCallback: spec.callback } : {}),
  };
  core.store.recordings.set(rec.sid, rec);
  notifyRecording(core, leg, rec);
  return rec;
}

/** Completes a recording with real media: synthesised speech, or a tone when no TTS exists. */
export async function completeRecording(
  core: SimCore,
  leg: CallLeg | undefined,
  rec: RecordingRecord,
  text: string,
  durationSec: number,
): Promise<RecordingRecord> {
  rec.text = text;
  rec.duration = Math.max(1, Math.round(durationSec));
  rec.media = await synthesizeWav(text, rec.duration, rec.channels);
  rec.status = 'completed';
  rec.dateUpdated = leg?.now() ?? core.now();
  notifyRecording(core, leg, rec);
  return rec;
}

/** An empty recording: Twilio reports it `absent` (16102: silent) and keeps no media. */
export function absentRecording(core: SimCore, leg: CallLeg, rec: RecordingRecord): void {
  rec.status = 'absent';
  rec.errorCode = 16102;
  rec.dateUpdated = leg.now();
  notifyRecording(core, leg, rec);
}
