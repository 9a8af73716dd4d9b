import { z } from 'zod';

const DEFAULT_HELP =
  'Switchboard: automated calls and texts. Reply STOP to opt out, START to opt back in.';

/** The SMS webhook's configuration keys, spread into src/config.ts's schema. */
export const smsConfigFields = {
  // CTIA's messaging principles ask that HELP name the sender and how to opt out. 1,600 characters
  // is the most Twilio sends as one message body. Empty (as compose passes an unset one) = default.
  SMS_HELP_TEXT: z
    .string()
    .max(1600)
    .default(DEFAULT_HELP)
    .transform((text) => text.trim() || DEFAULT_HELP),
};
