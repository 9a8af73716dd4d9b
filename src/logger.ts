import pino, { type Logger } from 'pino';

/** Structured logs; phone numbers and DTMF never reach them (see maskPhone and the voice routes). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchboard' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-twilio-signature"]'],
      remove: true,
    },
  });
}
