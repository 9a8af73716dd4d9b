const E164 = /^\+[1-9]\d{7,14}$/;

/** What Twilio accepts as a voice `To`: an E.164 number, a Client identity or a SIP URI. */
export function isValidVoiceAddress(value: string): boolean {
  return E164.test(value) || /^client:[^\s]+$/.test(value) || /^sip:[^\s]+@?[^\s]*$/.test(value);
}

export function isE164(value: string): boolean {
  return E164.test(value);
}
