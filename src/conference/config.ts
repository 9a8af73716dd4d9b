import { z } from 'zod';

const E164 = /^\+[1-9]\d{6,14}$/;

/** The conference family's configuration keys, spread into the schema in src/config.ts. */
export const conferenceFields = {
  // The number agents, transfer targets and supervisors see calling them; empty refuses to dial.
  CONFERENCE_CALLER_ID: z
    .union([z.literal(''), z.string().regex(E164, 'must be an E.164 number')])
    .default(''),
  // Twilio's own public hold music; any MP3/WAV or TwiML URL Twilio can fetch with GET.
  CONFERENCE_HOLD_MUSIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3'),
  CONFERENCE_RING_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(20),
  // record-from-start on conferences the CLI or a transfer starts; Twilio reports each recording to
  // POST /voice/recording, and the recording lifecycle stores it with the conference retention.
  CONFERENCE_RECORD: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
};
