import { ActivityFailure, ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import { campaignLocal, twilioFor } from './proxies';
import type { AttemptInput } from './definitions';
import type { AttemptState } from './state';

/** Twilio's "recipient replied STOP": an opt-out to record, never a retry. */
const OPTED_OUT_CODE = 21610;
/** A message's status callbacks come within minutes; past this, `sent` is what we know. */
const SMS_STATUS_WAIT = '1 hour';

function twilioCode(err: unknown): number | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    const details = err.cause.details?.[0] as { code?: number } | undefined;
    return details?.code ?? undefined;
  }
  return undefined;
}

/**
 * The SMS fallback, unless the number opted out (checked right before the send). Returns whether
 * a message was accepted by Twilio; follows its status callbacks to a final status.
 */
export async function sendSmsFallback(input: AttemptInput, state: AttemptState): Promise<boolean> {
  const { contact, settings } = input;
  if (!settings.sms || state.optedOut) return false;
  state.phase = 'sms';
  if (await campaignLocal.isPhoneSuppressed(contact.phone)) {
    state.smsStatus = 'suppressed';
    return false;
  }
  const urls = await campaignLocal.webhookUrls({
    attemptWorkflowId: workflowInfo().workflowId,
    tryNo: Math.max(1, state.tryNo),
    ivrId: settings.ivrId,
    ivrVersion: input.ivrVersion,
  });
  try {
    const message = await twilioFor(input.twilioTaskQueue).sendMessage({
      to: contact.phone,
      from: settings.from,
      body: settings.sms,
      statusCallback: urls.sms,
    });
    state.smsSid = message.sid;
    if (!state.smsStatus) state.smsStatus = message.status;
  } catch (err) {
    if (twilioCode(err) === OPTED_OUT_CODE) {
      await campaignLocal.recordCarrierOptOut(contact.phone);
      state.smsStatus = 'opted-out';
      return false;
    }
    state.smsStatus = 'failed';
    return false;
  }
  await condition(() => state.smsFinal, SMS_STATUS_WAIT);
  return true;
}
