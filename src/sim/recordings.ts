import { readFile } from 'node:fs/promises';
import { readWavInfo, synthesizeWav, toneSecondsForSize } from './audio';
import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import { rfc2822 } from './dates';
import type { RecordingRecord, RecordingSource } from './model';
import type { RecordInput } from './script';
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
  track?: RecordingRecord['track'];
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
    track: spec.track ?? (spec.channels === 2 ? 'both' : 'inbound'),
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

/** What a completed recording holds: scripted speech, a given WAV file, or large generated media. */
export type RecordedAudio = Pick<RecordInput, 'audioFile' | 'sizeBytes'>;

/**
 * Completes a recording with real media: a given WAV file as it is, a generated tone of a given
 * size, or synthesised speech (a tone when no TTS exists).
 */
export async function completeRecording(
  core: SimCore,
  leg: CallLeg | undefined,
  rec: RecordingRecord,
  text: string,
  durationSec: number,
  audio: RecordedAudio = {},
): Promise<RecordingRecord> {
  rec.text = text;
  if (audio.audioFile) {
    rec.media = await readFile(audio.audioFile);
    const info = readWavInfo(rec.media);
    rec.channels = info.channels === 2 ? 2 : 1;
    rec.duration = Math.max(1, Math.round(info.durationSec));
  } else if (audio.sizeBytes) {
    const seconds = toneSecondsForSize(audio.sizeBytes, rec.channels);
    rec.generated = { seconds, channels: rec.channels };
    rec.duration = Math.max(1, Math.round(seconds));
  } else {
    rec.duration = Math.max(1, Math.round(durationSec));
    rec.media = await synthesizeWav(text, rec.duration, rec.channels);
  }
  rec.status = 'completed';
  rec.dateUpdated = leg?.now() ?? core.now();
  notifyRecording(core, leg, rec);
  return rec;
}

/**
 * A recording with nothing worth keeping: Twilio reports it `absent` and keeps no media, with
 * 16101 (too short) or 16102 (silent).
 */
export function absentRecording(
  core: SimCore,
  leg: CallLeg,
  rec: RecordingRecord,
  errorCode: 16101 | 16102 = 16102,
): void {
  rec.status = 'absent';
  rec.errorCode = errorCode;
  rec.dateUpdated = leg.now();
  notifyRecording(core, leg, rec);
}

/** A recording Twilio could not process: `failed`, no media, ErrorCode as scripted. */
export function failedRecording(
  core: SimCore,
  leg: CallLeg | undefined,
  rec: RecordingRecord,
  errorCode: number | undefined,
): void {
  rec.status = 'failed';
  rec.errorCode = errorCode ?? null;
  rec.dateUpdated = leg?.now() ?? core.now();
  notifyRecording(core, leg, rec);
}
