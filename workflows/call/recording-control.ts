import { log, proxyActivities } from '@temporalio/workflow';
import type { TwilioActivities } from '../../activities/twilio';
import { twilioRest } from '../shared/twilio-rest';

// A few quick attempts: a pause that lands after the caller has keyed the digits is worth less
// than the call's other work, and a call with no recording (20404) fails at once.
const twilio = proxyActivities<TwilioActivities>({
  ...twilioRest,
  startToCloseTimeout: '10s',
  retry: { ...twilioRest.retry, maximumInterval: '2s', maximumAttempts: 3 },
});

/**
 * Pauses (PauseBehavior=skip, so the digits are left out rather than silenced) or resumes the
 * call's active recording (Twilio.CURRENT) as a `pauseRecording` menu asks. A call that is not
 * being recorded, or a failure, is logged and the call goes on: the IVR never waits on it.
 */
export async function controlRecording(
  callSid: string,
  changes: readonly ('paused' | 'in-progress')[],
): Promise<void> {
  for (const status of changes) {
    try {
      await twilio.updateCallRecording({
        callSid,
        status,
        ...(status === 'paused' ? { pauseBehavior: 'skip' as const } : {}),
      });
    } catch (err) {
      log.warn('recording not paused or resumed', { callSid, status, error: String(err) });
    }
  }
}
