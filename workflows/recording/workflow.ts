import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  currentUpdateInfo,
  log,
  setHandler,
} from '@temporalio/workflow';
import { twilioActivities } from '../shared/twilio-rest';
import { dbActivities, mediaActivities, transcriptionActivities } from './activity-options';
import {
  legalHoldUpdate,
  purgeNowUpdate,
  recordingEntriesSignal,
  recordingSnapshotQuery,
  releaseHoldUpdate,
  retentionChangedSignal,
  type OperatorRequest,
  type RecordingInput,
  type RecordingSnapshot,
} from './definitions';
import { RecordingFailureType } from './failures';
import { msUntilPurge, sourceOf } from './retention';
import { RecordingState } from './state';

/** Twilio ends a call after 4 hours; a recording's final callback comes soon after. */
const FINAL_STATUS_WAIT_MS = 5 * 60 * 60 * 1000;
/** A stored copy that does not read back is stored again this many times before giving up. */
const STORE_ATTEMPTS = 3;

function checkOperator(req: OperatorRequest): void {
  if (typeof req?.actor !== 'string' || !/^[\w.@:+-]{1,100}$/.test(req.actor)) {
    throw new Error('actor must be 1-100 characters of letters, digits and ._@:+-');
  }
  if (req.reason !== undefined && (typeof req.reason !== 'string' || req.reason.length > 500)) {
    throw new Error('reason must be a string of at most 500 characters');
  }
}

const updateId = (): string => currentUpdateInfo()?.id ?? 'unknown';

/**
 * One Twilio recording, from its first callback to its purge: wait for a final status → fetch
 * metadata → store the media encrypted → transcribe and redact → verify the stored copy → delete
 * Twilio's copy → sleep until `retain_until` (a policy change or a legal hold moves it) → purge.
 */
export async function recordingWorkflow(input: RecordingInput): Promise<RecordingSnapshot> {
  const { recordingSid, accountSid } = input;
  const rec = new RecordingState(recordingSid, input.callSid);
  const twilio = twilioActivities(input.twilioTaskQueue);
  let purgeBy: OperatorRequest | undefined;

  setHandler(recordingEntriesSignal, (entries) => void rec.apply(entries));
  setHandler(retentionChangedSignal, () => void (rec.retentionChanged = true));
  setHandler(recordingSnapshotQuery, () => rec.snapshot());
  setHandler(
    legalHoldUpdate,
    async (req) => {
      await dbActivities.setLegalHold({
        recordingSid,
        onHold: true,
        requestId: updateId(),
        ...req,
      });
      rec.onHold = true;
      return rec.snapshot();
    },
    { validator: checkOperator },
  );
  setHandler(
    releaseHoldUpdate,
    async (req) => {
      await dbActivities.setLegalHold({
        recordingSid,
        onHold: false,
        requestId: updateId(),
        ...req,
      });
      rec.onHold = false;
      return rec.snapshot();
    },
    { validator: checkOperator },
  );
  setHandler(
    purgeNowUpdate,
    async (req) => {
      purgeBy = req;
      await condition(() => rec.phase === 'purged');
      return rec.snapshot();
    },
    {
      validator: (req: OperatorRequest) => {
        checkOperator(req);
        if (rec.onHold) throw new Error('the recording is on legal hold; release it first');
        if (rec.phase !== 'retained') throw new Error(`nothing to purge yet (${rec.phase})`);
      },
    },
  );

  await waitForFinalStatus(rec, twilio);
  const final = rec.final!;
  const base = {
    recordingSid,
    accountSid,
    ...(rec.callSid ? { callSid: rec.callSid } : {}),
    source: sourceOf(final.twilioSource),
    status: final.status,
    ...(final.twilioSource ? { twilioSource: final.twilioSource } : {}),
    ...(final.errorCode !== undefined ? { errorCode: final.errorCode } : {}),
    ...(final.channels !== undefined ? { channels: final.channels } : {}),
    ...(final.durationSeconds !== undefined ? { durationSeconds: final.durationSeconds } : {}),
    ...(final.startTime ? { startTime: final.startTime } : {}),
  };
  if (final.status !== 'completed') {
    // absent (too short, 16101, or silent, 16102) and failed: Twilio keeps no media to fetch.
    await dbActivities.saveRecordingStatus(base);
    rec.phase = final.status === 'absent' ? 'absent' : 'failed';
    await condition(allHandlersFinished);
    return rec.snapshot();
  }

  rec.phase = 'storing';
  const meta = await twilio.fetchRecording(recordingSid);
  await dbActivities.saveRecordingStatus({
    ...base,
    source: sourceOf(final.twilioSource ?? meta.source),
    twilioSource: final.twilioSource ?? meta.source,
    channels: meta.channels,
    ...(meta.durationSec !== null ? { durationSeconds: meta.durationSec } : {}),
  });
  await mediaActivities.storeRecordingMedia(recordingSid);

  rec.phase = 'transcribing';
  try {
    const t = await transcriptionActivities.transcribeRecording(recordingSid);
    log.info('recording transcribed', {
      provider: t.provider,
      words: t.words,
      redactions: t.redactions,
    });
  } catch (err) {
    // The media is stored and kept whatever the recognisers do; the failure stays in history.
    log.warn('recording not transcribed', { error: (err as Error).message });
  }
  await saveTwilioTranscriptions(rec);

  rec.phase = 'verifying';
  await verifyOrStoreAgain(recordingSid);
  await twilio.deleteRecording(recordingSid);
  await dbActivities.markTwilioCopyDeleted(recordingSid);

  rec.phase = 'retained';
  rec.retainUntil = (await dbActivities.applyRetention(recordingSid)).retainUntil;
  for (;;) {
    await saveTwilioTranscriptions(rec);
    if (rec.retentionChanged) {
      rec.retentionChanged = false;
      rec.retainUntil = (await dbActivities.applyRetention(recordingSid)).retainUntil;
    }
    if (purgeBy && !rec.onHold) break;
    const wait = msUntilPurge(Date.now(), rec.retainUntil, rec.onHold);
    if (wait === 0) break;
    const held = rec.onHold;
    const woken = (): boolean =>
      rec.retentionChanged ||
      rec.transcriptions.length > 0 ||
      rec.onHold !== held ||
      (purgeBy !== undefined && !rec.onHold);
    if (wait === 'never') await condition(woken);
    else await condition(woken, wait);
  }
  await dbActivities.purgeRecording({
    recordingSid,
    actor: purgeBy?.actor ?? 'retention',
    reason: purgeBy ? (purgeBy.reason ?? 'purged on request') : `retain_until ${rec.retainUntil}`,
  });
  rec.phase = 'purged';
  await condition(allHandlersFinished);
  return rec.snapshot();
}

async function waitForFinalStatus(
  rec: RecordingState,
  twilio: ReturnType<typeof twilioActivities>,
): Promise<void> {
  while (!(await condition(() => rec.final !== undefined, FINAL_STATUS_WAIT_MS))) {
    // No final callback in hours (lost, or never asked for): ask Twilio what became of it.
    const meta = await twilio.fetchRecording(rec.recordingSid);
    if (meta.status === 'completed' || meta.status === 'absent' || meta.status === 'failed') {
      rec.apply([
        {
          kind: 'status',
          callback: {
            eventKey: `fetched:${meta.status}`,
            status: meta.status,
            ...(meta.callSid ? { callSid: meta.callSid } : {}),
            twilioSource: meta.source,
            channels: meta.channels,
            ...(meta.durationSec !== null ? { durationSeconds: meta.durationSec } : {}),
          },
        },
      ]);
    }
  }
}

async function saveTwilioTranscriptions(rec: RecordingState): Promise<void> {
  for (const t of rec.takeTranscriptions()) {
    await dbActivities.saveTwilioTranscription(rec.recordingSid, t);
  }
}

async function verifyOrStoreAgain(recordingSid: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dbActivities.verifyStoredRecording(recordingSid);
      return;
    } catch (err) {
      const type = (err as { cause?: { type?: string } }).cause?.type;
      if (type !== RecordingFailureType.verifyFailed) throw err;
      if (attempt >= STORE_ATTEMPTS) {
        throw ApplicationFailure.nonRetryable(
          `stored copy of ${recordingSid} never verified; Twilio's copy kept`,
          RecordingFailureType.verifyFailed,
        );
      }
      await mediaActivities.storeRecordingMedia(recordingSid);
    }
  }
}
