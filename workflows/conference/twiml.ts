/**
 * The one TwiML document the conference workflow writes itself: the customer's move into the
 * conference (a Calls update with `Twiml`). Workflows cannot load the twilio package, so this is
 * built as a string with every text and attribute escaped.
 */

/** Every event the participant list needs; Twilio only uses the first participant's list. */
export const CONFERENCE_EVENTS = [
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

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface CustomerConferenceTwiml {
  name: string;
  holdMusicUrl: string;
  statusCallbackUrl: string;
  record: boolean;
  recordingStatusCallbackUrl?: string;
}

/**
 * `<Dial><Conference>` for the customer: they wait with hold music (waitUrl) until an agent starts
 * the conference, and the conference ends when they leave, so no agent is left waiting for them.
 */
export function customerConferenceTwiml(t: CustomerConferenceTwiml): string {
  const attrs: [string, string][] = [
    ['startConferenceOnEnter', 'false'],
    ['endConferenceOnExit', 'true'],
    ['beep', 'false'],
    ['participantLabel', 'customer'],
    ['waitUrl', t.holdMusicUrl],
    ['waitMethod', 'GET'],
    ['statusCallback', t.statusCallbackUrl],
    ['statusCallbackMethod', 'POST'],
    ['statusCallbackEvent', CONFERENCE_EVENTS.join(' ')],
  ];
  if (t.record && t.recordingStatusCallbackUrl) {
    attrs.push(
      ['record', 'record-from-start'],
      ['recordingStatusCallback', t.recordingStatusCallbackUrl],
      ['recordingStatusCallbackMethod', 'POST'],
      // absent too, so the recording workflow closes instead of waiting for a final status.
      ['recordingStatusCallbackEvent', 'completed absent'],
    );
  }
  const rendered = attrs.map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Dial><Conference${rendered}>${escapeXml(t.name)}</Conference></Dial></Response>`
  );
}
