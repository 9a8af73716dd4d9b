import { beepMode, ConferenceRoom, type ConferenceEvents } from '../conference-room';
import {
  callerHangsUp,
  hangsUpDuring,
  methodAttr,
  NEXT,
  reportAfterHangup,
  resolveUrl,
} from '../exec';
import type { Exec, VerbResult } from '../exec';
import { parseRecordingEvents } from '../recordings';
import type { TwimlNode } from '../twiml';

export function conferenceEvents(
  url: string | undefined,
  method: string | undefined,
  events: string | string[] | undefined,
): ConferenceEvents | undefined {
  if (!url) return undefined;
  const list = (Array.isArray(events) ? events : (events ?? '').split(/[\s,]+/)).filter(Boolean);
  return {
    url,
    method: methodAttr(method),
    // Without statusCallbackEvent Twilio reports the conference's start and end.
    events: new Set(list.length > 0 ? list : ['start', 'end']),
  };
}

/** `<Dial><Conference>`: joins, waits in real time, then continues after the <Dial>. */
export async function joinConference(
  exec: Exec,
  dialNode: TwimlNode,
  node: TwimlNode,
): Promise<VerbResult> {
  const { core, leg } = exec;
  const a = node.attrs;
  const name = node.text;
  if (name === '') {
    leg.note({ type: 'error', code: 12200, message: '<Conference> without a name' });
    return NEXT;
  }
  if (a.waitUrl) leg.note({ type: 'play', url: resolveUrl(exec, a.waitUrl) ?? a.waitUrl, loop: 1 });
  const room = ConferenceRoom.named(core, name);
  const recUrl = resolveUrl(exec, a.recordingStatusCallback);
  const statusCallback = conferenceEvents(
    resolveUrl(exec, a.statusCallback),
    a.statusCallbackMethod,
    a.statusCallbackEvent,
  );
  let stayMs = Math.min(leg.script.conferenceStayMs ?? core.maxConferenceMs, core.maxConferenceMs);
  const leaves = hangsUpDuring(exec, 'Conference');
  if (leaves) stayMs = 0;
  const reason = await room.join(
    leg,
    {
      startConferenceOnEnter: a.startConferenceOnEnter !== 'false',
      endConferenceOnExit: a.endConferenceOnExit === 'true',
      muted: a.muted === 'true',
      beep: beepMode(a.beep) ?? 'true',
      coaching: a.coach !== undefined,
      callSidToCoach: a.coach ?? null,
      label: a.participantLabel ?? null,
      ...(statusCallback ? { statusCallback } : {}),
      record: a.record === 'record-from-start',
      ...(recUrl
        ? {
            recordingCallback: {
              url: recUrl,
              method: methodAttr(a.recordingStatusCallbackMethod),
              events: parseRecordingEvents(a.recordingStatusCallbackEvent),
            },
          }
        : {}),
    },
    stayMs,
  );
  if (reason === 'interrupted') return { kind: 'interrupt' };

  // After a conference Twilio sends DialCallStatus but no DialCallSid or DialCallDuration.
  const params = { DialCallStatus: 'completed' };
  const actionUrl = resolveUrl(exec, dialNode.attrs.action);
  const method = methodAttr(dialNode.attrs.method);
  if (reason === 'stay-elapsed') {
    await reportAfterHangup(exec, actionUrl, method, params);
    return callerHangsUp(exec);
  }
  if (!actionUrl) return NEXT;
  return { kind: 'goto', next: { url: actionUrl, method, params, purpose: 'action' } };
}
