import type { SendGate } from '../../src/campaign/send-gate';
import type { TwilioClient } from '../../src/twilio/client';
import { createTwilioCallActivities } from './calls';
import { createMessageActivities } from './messages';
import { createParticipantActivities } from './participants';
import { createRecordingActivities } from './recordings';

export interface TwilioActivityDeps {
  twilio: TwilioClient;
  /** Honour a campaign rehearsal's window clock offset: only when Twilio is the simulator. */
  rehearsal?: boolean;
  /** The account's send gate: paced creates keep Twilio's CPS exactly (see createSendGate). */
  sendGate?: SendGate;
}

/** Every Twilio REST activity; only the Twilio task queue's worker registers them. */
export function createTwilioActivities(deps: TwilioActivityDeps) {
  return {
    ...createTwilioCallActivities(deps),
    ...createMessageActivities(deps),
    ...createRecordingActivities(deps),
    ...createParticipantActivities(deps),
  };
}

export type TwilioActivities = ReturnType<typeof createTwilioActivities>;
export type {
  CallSummary,
  CreateCallInput,
  FindCallsInput,
  PacedCreate,
  PacedCreateInput,
  UpdateCallInput,
} from './calls';
export type { MessageSummary, SendMessageInput } from './messages';
export type {
  RecordingSummary,
  StartCallRecordingInput,
  UpdateCallRecordingInput,
} from './recordings';
export type {
  AddParticipantInput,
  ParticipantRef,
  ParticipantSummary,
  UpdateParticipantInput,
} from './participants';
