import { validateIvr } from '../../src/ivr/validate';
import type { IvrDefinition } from '../../workflows/ivr/types';

/**
 * A campaign IVR that speaks its callee's variables in every kind of prompt list: the menu, its
 * failure paths and the hang-ups, with a default, an upper-case name and a variable no one sets.
 */
export function reminderIvr(id = 'reminder'): IvrDefinition {
  return validateIvr({
    id,
    version: 1,
    name: 'Payment reminder',
    timeZone: 'America/New_York',
    voice: { voice: 'Polly.Joanna', language: 'en-US' },
    start: 'main',
    nodes: {
      main: {
        type: 'menu',
        prompt: [
          { say: 'Hello {{name}}, about account {{ account }}.' },
          { say: 'Press 1 to pay {{balance_due|your balance}}.' },
        ],
        input: ['dtmf'],
        options: [{ digits: '1', next: 'paid' }],
        timeoutSeconds: 3,
        maxAttempts: 2,
        noInput: { prompt: [{ say: '{{name}}, are you there?' }], exhausted: 'bye' },
        invalid: {
          prompt: [{ say: 'Sorry {{name|friend}}, that is not an option.' }],
          exhausted: 'bye',
        },
      },
      paid: { type: 'hangup', prompt: [{ say: 'Thank you {{NAME}}. Goodbye.' }] },
      bye: { type: 'hangup', prompt: [{ say: '{{unknown}}' }, { say: 'Goodbye.' }] },
    },
  });
}
