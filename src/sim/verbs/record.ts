import {
  callerHangsUp,
  hangsUpDuring,
  intAttr,
  methodAttr,
  NEXT,
  reportAfterHangup,
  resolveUrl,
} from '../exec';
import type { Exec, VerbResult } from '../exec';
import {
  absentRecording,
  completeRecording,
  failedRecording,
  openRecording,
  parseRecordingEvents,
  type RecordingCallbackConfig,
} from '../recordings';
import type { TwimlNode } from '../twiml';

/** Twilio only transcribes recordings of up to two minutes. */
const MAX_TRANSCRIBE_SEC = 120;

export async function record(exec: Exec, node: TwimlNode): Promise<VerbResult> {
  const { core, leg } = exec;
  const a = node.attrs;
  const maxLength = intAttr(a.maxLength, 3600);
  const timeout = intAttr(a.timeout, 5);
  const finishOnKey = a.finishOnKey ?? '1234567890*#';
  const cbUrl = resolveUrl(exec, a.recordingStatusCallback);
  const callback: RecordingCallbackConfig | undefined = cbUrl
    ? {
        url: cbUrl,
        method: methodAttr(a.recordingStatusCallbackMethod),
        events: parseRecordingEvents(a.recordingStatusCallbackEvent),
      }
    : undefined;

  if (a.playBeep !== 'false') leg.note({ type: 'beep' });
  const input = leg.script.records?.[leg.recordIndex];
  leg.recordIndex++;
  const hangup = hangsUpDuring(exec, 'Record');
  const rec = openRecording(core, leg, {
    source: 'RecordVerb',
    callSid: leg.sid,
    ...(callback ? { callback } : {}),
  });

  if (input?.outcome === 'too-short' || input?.outcome === 'failed') {
    // Under a second of audio, or a recording Twilio could not process: no action request.
    leg.note({ type: 'input', verb: 'Record', speech: input.text ?? '' });
    await leg.spend(500);
    if (input.outcome === 'failed') failedRecording(core, leg, rec, input.errorCode);
    else absentRecording(core, leg, rec, 16101);
    return hangup ? callerHangsUp(exec) : NEXT;
  }

  const text = input?.silent || input?.outcome === 'silent' ? '' : (input?.text ?? '');
  const hasAudio = Boolean(input?.audioFile || input?.sizeBytes);
  if (input?.outcome === 'silent' || (text === '' && !hasAudio)) {
    leg.note({ type: 'silence', verb: 'Record', seconds: timeout });
    await leg.spend(timeout * 1000);
    // An empty recording triggers no action request; the call goes on with the next verb.
    absentRecording(core, leg, rec);
    return hangup ? callerHangsUp(exec) : NEXT;
  }

  const words = text.split(/\s+/).length;
  const duration = Math.min(input?.durationSec ?? Math.max(1, Math.ceil(words * 0.4)), maxLength);
  leg.note({ type: 'input', verb: 'Record', speech: text });
  await leg.spend(duration * 1000);
  await completeRecording(core, leg, rec, text, duration, {
    ...(input?.audioFile ? { audioFile: input.audioFile } : {}),
    ...(input?.sizeBytes ? { sizeBytes: input.sizeBytes } : {}),
  });
  leg.note({
    type: 'recording',
    recordingSid: rec.sid,
    durationSec: rec.duration,
    text,
    source: rec.source,
  });

  const params: Record<string, string> = {
    RecordingUrl: core.recordingUrl(rec.sid),
    RecordingDuration: String(rec.duration),
    RecordingSid: rec.sid,
  };
  if (hangup) params.Digits = 'hangup';
  else if (input?.finishOnKey && finishOnKey.includes(input.finishOnKey))
    params.Digits = input.finishOnKey;

  if (a.transcribe === 'true' || a.transcribeCallback)
    transcribe(exec, node, rec.sid, text, rec.duration);

  const url = resolveUrl(exec, a.action) ?? exec.docUrl;
  const method = methodAttr(a.method);
  if (hangup) {
    // After a hangup Twilio still requests the action URL but ignores its TwiML.
    await reportAfterHangup(exec, url, method, params);
    return callerHangsUp(exec);
  }
  if (!url) return NEXT;
  return { kind: 'goto', next: { url, method, params, purpose: 'action' } };
}

function transcribe(
  exec: Exec,
  node: TwimlNode,
  recordingSid: string,
  text: string,
  duration: number,
): void {
  const { core, leg } = exec;
  const url = resolveUrl(exec, node.attrs.transcribeCallback);
  if (!url) return;
  const ok = duration <= MAX_TRANSCRIBE_SEC;
  const transcriptionSid = core.newSid('TR');
  core.callbacks.send({
    kind: 'transcription',
    event: ok ? 'completed' : 'failed',
    url,
    method: 'POST',
    group: leg.sid,
    callSid: leg.sid,
    at: leg.elapsedMs,
    transcript: leg.transcript,
    ...(leg.callbackFaults ? { faults: leg.callbackFaults } : {}),
    params: {
      ...leg.baseParams(),
      TranscriptionSid: transcriptionSid,
      TranscriptionText: ok ? text : '',
      TranscriptionStatus: ok ? 'completed' : 'failed',
      TranscriptionUrl: `${core.recordingUrl(recordingSid)}/Transcriptions/${transcriptionSid}`,
      TranscriptionType: 'fast',
      RecordingSid: recordingSid,
      RecordingUrl: core.recordingUrl(recordingSid),
    },
  });
}
