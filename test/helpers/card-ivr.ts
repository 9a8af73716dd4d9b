import { validateIvr } from '../../src/ivr/validate';
import type { IvrDefinition } from '../../workflows/ivr/types';

/** A menu that takes card digits, then thanks the caller. */
export function cardIvr(pauseRecording: boolean | undefined): IvrDefinition {
  return validateIvr({
    id: 'card-line',
    version: 1,
    name: 'Card line',
    timeZone: 'UTC',
    voice: { voice: 'Polly.Joanna', language: 'en-US' },
    start: 'card',
    nodes: {
      card: {
        type: 'menu',
        prompt: [{ say: 'Key your card number, then press 1.' }],
        input: ['dtmf'],
        options: [{ digits: '1', next: 'thanks' }],
        maxAttempts: 2,
        noInput: { prompt: [{ say: 'Sorry.' }], exhausted: 'thanks' },
        invalid: { prompt: [{ say: 'Sorry.' }], exhausted: 'thanks' },
        ...(pauseRecording === undefined ? {} : { pauseRecording }),
      },
      thanks: { type: 'hangup', prompt: [{ say: 'Thanks.' }] },
    },
  });
}
