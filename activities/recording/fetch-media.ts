import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { RecordingFailureType } from '../../workflows/recording/failures';

/** How the worker reaches Twilio's recording media: the account's API, with Basic auth. */
export interface TwilioMediaAccess {
  accountSid: string;
  authToken: string;
  /** `https://api.twilio.com`, or the simulator's base URL in development and tests. */
  apiBaseUrl: string;
  /** Per request; a body that stalls longer fails and the activity is retried. */
  timeoutMs?: number;
}

/**
 * The media URL is built from the configured API base, never taken from a callback's
 * RecordingUrl: the worker sends the account's credentials with it, so it only ever goes to
 * Twilio. `.wav` asks for uncompressed PCM (no extension is WAV too; `.mp3` is lossy).
 */
export function mediaUrl(access: TwilioMediaAccess, recordingSid: string): string {
  const base = (access.apiBaseUrl || 'https://api.twilio.com').replace(/\/$/, '');
  return `${base}/2010-04-01/Accounts/${access.accountSid}/Recordings/${recordingSid}.wav`;
}

/** Opens the media as a stream, with its Content-Length when Twilio sends one. */
export async function openMedia(
  access: TwilioMediaAccess,
  recordingSid: string,
  signal?: AbortSignal,
): Promise<{ body: Readable; length?: number }> {
  const auth = Buffer.from(`${access.accountSid}:${access.authToken}`).toString('base64');
  const res = await fetch(mediaUrl(access, recordingSid), {
    headers: { authorization: `Basic ${auth}`, accept: 'audio/x-wav, audio/wav' },
    ...(signal ? { signal } : {}),
  });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    // Twilio may answer 404 for a moment after `completed` while the media is processed: retried.
    // Bad credentials are not something a retry fixes.
    const permanent = res.status === 401 || res.status === 403;
    throw ApplicationFailure.create({
      type: permanent ? RecordingFailureType.mediaRefused : RecordingFailureType.mediaUnavailable,
      message: `recording media ${recordingSid}: HTTP ${res.status}`,
      nonRetryable: permanent,
    });
  }
  const length = Number(res.headers.get('content-length'));
  return {
    body: Readable.fromWeb(res.body),
    ...(Number.isFinite(length) && length > 0 ? { length } : {}),
  };
}
