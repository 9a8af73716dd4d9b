import twilio from 'twilio';

/**
 * Twilio signs the full URL (query string included) followed by each POST parameter name and
 * value sorted by name, HMAC-SHA1 with the auth token, base64. GET requests sign the URL alone.
 */
export function signRequest(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
