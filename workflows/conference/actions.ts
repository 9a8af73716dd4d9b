import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createConferenceActivities } from '../../activities/conference/audit';
import type { AddParticipantInput } from '../../activities/twilio';
import { twilioActivities } from '../shared/twilio-rest';
import type {
  ActionResult,
  ModerationRequest,
  SupervisionRequest,
  TransferRequest,
} from './definitions';
import type { ConferenceState } from './state';
import type { TransferView } from './transfer';
import { CONFERENCE_EVENTS, customerConferenceTwiml } from './twiml';

type ConferenceActivities = ReturnType<typeof createConferenceActivities>;
const db = proxyActivities<ConferenceActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * What the conference does to Twilio, each step an activity on the Twilio REST queue and each
 * operator action an audit row. Decisions come from ConferenceState; this only carries them out.
 */
export class ConferenceActions {
  private readonly twilio;

  constructor(private readonly state: ConferenceState) {
    this.twilio = twilioActivities(state.input.twilioTaskQueue);
  }

  private get sid(): string {
    const sid = this.state.conferenceSid;
    if (sid === null) throw new Error('the conference has not reported its ConferenceSid yet');
    return sid;
  }

  async audit(
    action: string,
    by: string,
    target?: { label: string | null; callSid: string | null },
    detail: Record<string, unknown> = {},
  ): Promise<string> {
    const { workflowId, runId } = workflowInfo();
    const at = new Date().toISOString();
    await db.auditConference({
      key: this.state.nextAuditKey(workflowId, runId),
      conferenceName: this.state.input.name,
      conferenceSid: this.state.conferenceSid,
      action,
      participant: target?.label ?? null,
      callSid: target?.callSid ?? null,
      actor: by,
      detail,
      at,
    });
    return at;
  }

  /** Redirects the customer's live call into the conference (Calls update with TwiML). */
  async moveCustomer(callSid: string): Promise<void> {
    const { input } = this.state;
    await this.twilio.updateCall({
      callSid,
      twiml: customerConferenceTwiml({
        name: input.name,
        holdMusicUrl: input.holdMusicUrl,
        statusCallbackUrl: input.statusCallbackUrl,
        record: input.record ?? false,
        ...(input.recordingStatusCallbackUrl
          ? { recordingStatusCallbackUrl: input.recordingStatusCallbackUrl }
          : {}),
      }),
    });
    await this.audit('move-customer', input.by, { label: 'customer', callSid });
  }

  /** Dials `to` into the conference; the CallSid, or null when Twilio refused the number. */
  async dial(
    to: string,
    label: string,
    extra: Partial<AddParticipantInput> = {},
  ): Promise<string | null> {
    const { input } = this.state;
    try {
      const p = await this.twilio.addParticipant({
        conference: input.name,
        from: input.callerId,
        to,
        label,
        timeoutSec: input.ringTimeoutSec,
        statusCallback: input.participantStatusUrl,
        statusCallbackEvents: ['answered', 'completed'],
        startConferenceOnEnter: true,
        endConferenceOnExit: false,
        beep: 'false',
        // Only the first participant's list counts; repeating it costs nothing and covers a
        // customer whose join has not been processed yet.
        conferenceStatusCallback: input.statusCallbackUrl,
        conferenceStatusCallbackEvents: CONFERENCE_EVENTS,
        ...extra,
      });
      this.state.dialed(p.callSid, label, to);
      return p.callSid;
    } catch {
      // A permanent refusal (bad number, 21211): the caller compensates as for no answer.
      return null;
    }
  }

  /** Takes the customer off hold; false when their call has gone meanwhile. */
  async release(callSid: string): Promise<boolean> {
    try {
      await this.setHold(callSid, false);
      return true;
    } catch (err) {
      await this.audit(
        'unhold-failed',
        'switchboard',
        { label: 'customer', callSid },
        { error: String(err) },
      );
      return false;
    }
  }

  async setHold(callSid: string, hold: boolean): Promise<void> {
    await this.twilio.updateParticipant({
      conferenceSid: this.sid,
      participant: callSid,
      hold,
      ...(hold ? { holdUrl: this.state.input.holdMusicUrl, holdMethod: 'GET' as const } : {}),
    });
  }

  /** Holds the customer and dials agent B; the main loop takes the saga from here. */
  async transfer(t: TransferView, request: TransferRequest): Promise<ActionResult> {
    const customer = this.state.customerCallSid as string;
    await this.audit('transfer', request.by, { label: t.targetLabel, callSid: null }, { to: t.to });
    await this.setHold(customer, true);
    const callSid = await this.dial(t.to, t.targetLabel);
    this.state.transferDialed(t, callSid);
    return {
      action: 'transfer',
      label: t.targetLabel,
      at: t.startedAt,
      ...(callSid ? { callSid } : {}),
    };
  }

  /** Sends the customer out of the conference to leave a message. */
  async voicemail(reason: string): Promise<void> {
    const customer = this.state.customerCallSid as string;
    this.state.voicemail = true;
    this.state.version++;
    try {
      await this.twilio.updateCall({ callSid: customer, url: this.state.input.voicemailUrl });
    } catch (err) {
      // The customer hung up meanwhile (21220): nobody is left to take a message from.
      await this.audit(
        'voicemail-failed',
        'switchboard',
        { label: 'customer', callSid: customer },
        {
          reason,
          error: String(err),
        },
      );
      return;
    }
    await this.audit(
      'voicemail',
      'switchboard',
      { label: 'customer', callSid: customer },
      { reason },
    );
  }

  async cancel(callSid: string): Promise<void> {
    try {
      await this.twilio.cancelCall(callSid);
    } catch {
      // Answered or already over: nothing left to stop.
    }
  }

  async moderate(req: ModerationRequest): Promise<ActionResult> {
    if (req.action === 'end') {
      // Everyone leaves before Twilio's conference-end arrives: none of it is a customer left alone.
      this.state.ending = true;
      await this.twilio.endConference(this.sid);
      const at = await this.audit('end', req.by);
      return { action: 'end', at };
    }
    const p = this.state.participant(req.participant ?? '');
    if (!p) throw new Error(`no participant ${req.participant}`);
    if (req.action === 'kick') {
      await this.twilio.removeParticipant({ conferenceSid: this.sid, participant: p.callSid });
    } else if (req.action === 'hold' || req.action === 'unhold') {
      await this.setHold(p.callSid, req.action === 'hold');
    } else {
      await this.twilio.updateParticipant({
        conferenceSid: this.sid,
        participant: p.callSid,
        muted: req.action === 'mute',
      });
    }
    const at = await this.audit(req.action, req.by, p);
    return { action: req.action, callSid: p.callSid, label: p.label ?? p.callSid, at };
  }

  async supervise(req: SupervisionRequest): Promise<ActionResult> {
    const coached = req.mode === 'coach' ? this.state.participant(req.agent ?? '') : undefined;
    const settings = {
      muted: req.mode === 'monitor',
      coaching: req.mode === 'coach',
      ...(coached ? { callSidToCoach: coached.callSid } : {}),
    };
    const existing = this.state.participantsAt(req.supervisor).find((p) => p.status === 'joined');
    let callSid: string | null;
    let label: string;
    if (existing) {
      await this.twilio.updateParticipant({
        conferenceSid: this.sid,
        participant: existing.callSid,
        ...settings,
      });
      callSid = existing.callSid;
      label = existing.label ?? existing.callSid;
    } else {
      label = this.state.nextLabel('supervisor');
      // A supervisor never starts or ends the customer's conference.
      callSid = await this.dial(req.supervisor, label, {
        ...settings,
        startConferenceOnEnter: false,
      });
      if (callSid === null) throw new Error(`Twilio refused to dial ${req.supervisor}`);
    }
    const at = await this.audit(
      req.mode,
      req.by,
      { label, callSid },
      coached ? { coaching: coached.label } : {},
    );
    return { action: req.mode, callSid, label, at };
  }
}
