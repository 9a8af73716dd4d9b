/**
 * The few TwiML documents an attempt sends through the Calls API (`Twiml` on an update), built as
 * strings because workflow code cannot load the twilio package. Text is escaped for XML.
 */
const escapeXml = (text: string): string =>
  text.replace(
    /[<>&'"]/g,
    (ch) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[ch]};`,
  );

/** Said after the beep (async AMD with DetectMessageEnd), then the call ends. */
export function voicemailTwiml(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escapeXml(message)}</Say><Hangup/></Response>`;
}

/** A live call of a canceled campaign ends politely rather than dropping mid-sentence. */
export const GOODBYE_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say>This call has to end now. Goodbye.</Say><Hangup/></Response>';
