import twilio from 'twilio';
import type {
  ActionRef,
  ConferenceVerb,
  PromptVerb,
  SayVerb,
  TwimlPlan,
  TwimlVerb,
} from '../../workflows/shared/twiml-plan';

type VoiceResponse = twilio.twiml.VoiceResponse;
type SayAttributes = Parameters<VoiceResponse['say']>[0];

export interface RenderUrls {
  /** Absolute URL for an action coming back to the workflow; `on` says which verb ended. */
  action(ref: ActionRef, on: 'gather' | 'dial' | 'record' | 'resume'): string;
  /**
   * The conference a `conference` verb joins: its name from the call's business key, the status
   * callback that starts and feeds its workflow, and the hold music. Without it the caller is told
   * no one can take the call.
   */
  conference?(verb: ConferenceVerb): { name: string; statusCallback: string; waitUrl: string };
  /** Absolute URL for recording status callbacks; without one, Twilio sends none. */
  recordingStatus?: string;
  /** Absolute URL for Twilio's own transcription of a Record verb; without one, none is asked. */
  transcription?: string;
  /** Digest credentials for a SIP URI (from config, so they never enter workflow history). */
  sipAuth?: (uri: string) => { username: string; password: string } | undefined;
}

function sayAttributes(verb: SayVerb): SayAttributes {
  return {
    ...(verb.voice ? { voice: verb.voice as SayAttributes['voice'] } : {}),
    ...(verb.language ? { language: verb.language as SayAttributes['language'] } : {}),
    ...(verb.loop ? { loop: verb.loop } : {}),
  };
}

function addPrompt(target: Pick<VoiceResponse, 'say' | 'play' | 'pause'>, verb: PromptVerb): void {
  switch (verb.verb) {
    case 'say':
      target.say(sayAttributes(verb), verb.text);
      return;
    case 'play':
      target.play(verb.loop ? { loop: verb.loop } : {}, verb.url);
      return;
    case 'pause':
      target.pause({ length: verb.length });
  }
}

function addVerb(response: VoiceResponse, verb: TwimlVerb, urls: RenderUrls): void {
  switch (verb.verb) {
    case 'say':
    case 'play':
    case 'pause':
      addPrompt(response, verb);
      return;
    case 'gather': {
      const gather = response.gather({
        input: verb.input,
        action: urls.action(verb.action, 'gather'),
        method: 'POST',
        // Silence comes back to the workflow too, so retries and no-input paths live in one place.
        actionOnEmptyResult: true,
        ...(verb.numDigits ? { numDigits: verb.numDigits } : {}),
        ...(verb.finishOnKey !== undefined ? { finishOnKey: verb.finishOnKey } : {}),
        ...(verb.timeout ? { timeout: verb.timeout } : {}),
        ...(verb.speechTimeout ? { speechTimeout: verb.speechTimeout } : {}),
        ...(verb.hints?.length ? { hints: verb.hints.join(', ') } : {}),
        ...(verb.language ? { language: verb.language as never } : {}),
      });
      for (const prompt of verb.prompts) addPrompt(gather, prompt);
      return;
    }
    case 'dial': {
      const dial = response.dial({
        action: urls.action(verb.action, 'dial'),
        method: 'POST',
        ...(verb.callerId ? { callerId: verb.callerId } : {}),
        ...(verb.timeout ? { timeout: verb.timeout } : {}),
        ...(verb.record ? { record: verb.record } : {}),
        ...(verb.answerOnBridge ? { answerOnBridge: true } : {}),
        ...(verb.record && urls.recordingStatus
          ? { recordingStatusCallback: urls.recordingStatus }
          : {}),
      });
      if (verb.target.kind === 'number')
        dial.number(verb.target.byoc ? { byoc: verb.target.byoc } : {}, verb.target.to);
      else if (verb.target.kind === 'client') dial.client(verb.target.to);
      else dial.sip(urls.sipAuth?.(verb.target.to) ?? {}, verb.target.to);
      return;
    }
    case 'record':
      response.record({
        action: urls.action(verb.action, 'record'),
        method: 'POST',
        maxLength: verb.maxLength,
        ...(verb.timeout ? { timeout: verb.timeout } : {}),
        ...(verb.playBeep !== undefined ? { playBeep: verb.playBeep } : {}),
        ...(verb.finishOnKey !== undefined ? { finishOnKey: verb.finishOnKey } : {}),
        ...(verb.recordingStatusCallback && urls.recordingStatus
          ? {
              recordingStatusCallback: urls.recordingStatus,
              recordingStatusCallbackEvent: ['completed', 'absent'],
            }
          : {}),
        ...(verb.recordingStatusCallback && urls.transcription
          ? { transcribe: true, transcribeCallback: urls.transcription }
          : {}),
      });
      return;
    case 'redirect':
      response.redirect({ method: 'POST' }, urls.action(verb.action, 'resume'));
      return;
    case 'hangup':
      response.hangup();
      return;
    case 'reject':
      response.reject(verb.reason ? { reason: verb.reason } : {});
      return;
    case 'conference':
      addConference(response, verb, urls);
  }
}

/** Every event the conference's participant list needs; only this first participant's counts. */
const CONFERENCE_EVENTS = [
  'start',
  'end',
  'join',
  'leave',
  'mute',
  'hold',
  'modify',
  'speaker',
  'announcement',
];

function addConference(response: VoiceResponse, verb: ConferenceVerb, urls: RenderUrls): void {
  const conf = urls.conference?.(verb);
  if (!conf) {
    response.say('Sorry, no one can take your call right now.');
    response.hangup();
    return;
  }
  const dial = response.dial({ action: urls.action(verb.action, 'dial'), method: 'POST' });
  // The caller waits with music until the agent starts the conference, and ends it on leaving.
  dial.conference(
    {
      startConferenceOnEnter: false,
      endConferenceOnExit: true,
      beep: 'false',
      participantLabel: 'customer',
      waitUrl: conf.waitUrl,
      waitMethod: 'GET',
      statusCallback: conf.statusCallback,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: CONFERENCE_EVENTS as never,
    },
    conf.name,
  );
}

/** Renders a workflow's plan as TwiML; VoiceResponse escapes every text and attribute. */
export function renderPlan(plan: TwimlPlan, urls: RenderUrls): string {
  const response = new twilio.twiml.VoiceResponse();
  for (const verb of plan.verbs) addVerb(response, verb, urls);
  return response.toString();
}

/** What a caller hears when the workflow cannot answer in time: hold, then retry the same request. */
export function renderHold(retryUrl: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say('Please hold while we connect you.');
  response.pause({ length: 1 });
  response.redirect({ method: 'POST' }, retryUrl);
  return response.toString();
}

export function renderMessageAndHangup(text: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(text);
  response.hangup();
  return response.toString();
}
