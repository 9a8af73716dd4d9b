const E164 = /^\+[1-9]\d{7,14}$/;

/** What Twilio accepts as a voice `To`: an E.164 number, a Client identity or a SIP URI. */
export function isValidVoiceAddress(value: string): boolean {
  return E164.test(value) || /^client:[^\s]+$/.test(value) || /^sip:[^\s]+@?[^\s]*$/.test(value);
}

export function isE164(value: string): boolean {
  return E164.test(value);
}

/**
 * <Dial> numbers may be written nationally ("415-123-4567"); Twilio dials them in E.164.
 * The simulator assumes North American numbering for 10 digits, as Twilio does for US callers.
 */
export function normalizeDialNumber(value: string): string {
  const trimmed = value.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return `+${digits}`;
}
