import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keepRecordingStatus, keepTwilioTranscription } from '../../inbox/recording-deliverer';
import { redact } from '../../redaction/redact';
import { redactionRulesFromConfig } from '../../redaction/config';
import { HttpError } from '../errors';
import { withTimeout } from '../timeout';
import { formParams, optional } from '../twilio-params';
import { assertTwilioSignature } from '../twilio-signature';
import { recordingCallbackOf, recordingStartOf } from './input';

/** Where Twilio sends recording status callbacks, under the voice prefix. */
export const RECORDING_STATUS_PATH = '/recording';
/** Where Twilio sends its own transcriptions (`transcribeCallback`). */
export const TRANSCRIPTION_PATH = '/recording/transcription';

const TRANSCRIPTION_STATUS = /^(completed|failed)$/;
const TRANSCRIPTION_SID = /^TR[0-9a-f]{32}$/;

/**
 * Recording callbacks go straight into the callback inbox and nowhere else: the relay starts or
 * signals `recording-{RecordingSid}`, so a callback that arrives while Temporal is down waits in
 * PostgreSQL instead of being lost. 204 means kept; 503 (PostgreSQL away) makes Twilio retry.
 */
export async function recordingPlugin(app: FastifyInstance): Promise<void> {
  const { config, db } = app;
  const budget = config.WEBHOOK_UPDATE_BUDGET_MS;
  const signed = {
    preHandler: (request: FastifyRequest) =>
      Promise.resolve(assertTwilioSignature(request, app.config)),
  };
  const keep = async (what: () => Promise<unknown>, reply: FastifyReply, log: object) => {
    try {
      await withTimeout(budget, what());
    } catch (err) {
      app.log.error({ ...log, err: (err as Error).message }, 'recording callback not kept');
      throw new HttpError('unavailable', 'callback not accepted; retry');
    }
    return reply.code(204).send();
  };

  app.post(RECORDING_STATUS_PATH, signed, async (request, reply) => {
    const params = formParams(request.body);
    const start = recordingStartOf(params, config.TWILIO_ACCOUNT_SID);
    const callback = recordingCallbackOf(params);
    const log = { recordingSid: start.recordingSid, status: callback.status };
    request.log.info(log, 'recording status');
    return keep(() => keepRecordingStatus(db, start, callback), reply, log);
  });

  app.post(TRANSCRIPTION_PATH, signed, async (request, reply) => {
    const params = formParams(request.body);
    const start = recordingStartOf(params, config.TWILIO_ACCOUNT_SID);
    const status = optional(params, 'TranscriptionStatus', TRANSCRIPTION_STATUS) ?? 'failed';
    const sid = optional(params, 'TranscriptionSid', TRANSCRIPTION_SID) ?? 'none';
    // Twilio's text is redacted here, before it is kept anywhere: the original is never stored.
    const redacted = redact(
      (params.TranscriptionText ?? '').slice(0, 20_000),
      redactionRulesFromConfig(config),
    );
    const log = { recordingSid: start.recordingSid, transcriptionStatus: status };
    request.log.info({ ...log, redactions: redacted.counts }, 'Twilio transcription');
    return keep(
      () =>
        keepTwilioTranscription(db, start, {
          eventKey: `${start.recordingSid}:transcription:${sid}`,
          status: status as 'completed' | 'failed',
          text: status === 'completed' ? redacted.text : '',
          redactions: status === 'completed' ? redacted.counts : {},
        }),
      reply,
      log,
    );
  });
  return Promise.resolve();
}
