import { createHmac } from 'node:crypto';

export interface TokenKeys {
  /** MACs the IVR state an action URL carries (journal mode). */
  step: Buffer;
  /** MACs the request a fallback `<Redirect>` retries. */
  replay: Buffer;
}

const derive = (authToken: string, label: string): Buffer =>
  createHmac('sha256', authToken).update(label).digest();

/**
 * One key per token kind, so a token of one kind never verifies as the other. The step label is the
 * one step tokens have always used: rotating the auth token in the Twilio console rotates both.
 */
export function tokenKeys(authToken: string): TokenKeys {
  return {
    step: derive(authToken, 'switchboard step token v1'),
    replay: derive(authToken, 'switchboard replay token v1'),
  };
}
