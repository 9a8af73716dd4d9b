import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '@temporalio/activity';
import { campaignDials, sendGateWait } from '../../src/metrics/campaign';
import { isWithinWindow, type DailyWindow } from '../../workflows/campaign/window';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call';
import type { TwilioClient } from '../../src/twilio/client';
import type { SendGate } from '../../src/campaign/send-gate';
import { assertDialable } from './destination';
import { twilioRequest } from './errors';
import { isoOrNull } from './serialize';

/**
 * Query parameter that carries a caller's reference on the call's TwiML URL and status callback:
 * the one place Twilio echoes back something we chose, so a later webhook names the intent even
 * when the create's answer was lost.
 */
export const CALL_REFERENCE_PARAM = 'callRef';

export interface CreateCallInput {
  to: string;
  from: string;
  /** TwiML URL, or inline `twiml`; one of the two. */
  url?: string;
  twiml?: string;
  statusCallback?: string;
  statusCallbackEvents?: ('initiated' | 'ringing' | 'answered' | 'completed')[];
  /** Seconds Twilio lets the call ring (its default is 60). */
  timeoutSec?: number;
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  /** Twilio answers the call's URL at once and posts AnsweredBy to `asyncAmdStatusCallback`. */
  asyncAmd?: boolean;
  asyncAmdStatusCallback?: string;
  /**
   * The caller's own key for this attempt (an intent recorded before the request). Creating a call
   * has no idempotency key at Twilio, so this is how an answer that never arrived is reconciled.
   */
  reference?: string;
  /** BYOC trunk (BY sid) the call leaves through instead of Twilio's carriers. */
  byoc?: string;
  /** What the callee sees as the caller, when it differs from `from`. */
  callerId?: string;
  /** Digest credentials for a `sip:` destination that challenges. */
  sipAuth?: { username: string; password: string };
}

/**
 * With a send gate, a create may still leave this long after its slot's `notAfter`: the gate keeps
 * every second at Twilio within the CPS, so a create dispatched late is sent late, not dropped.
 */
export const GATED_LATE_LIMIT_MS = 5000;

/**
 * A create on a paced slot: the request leaves no earlier than `notBefore` (epoch ms), and never
 * when the callee's calling window has closed: the last check, immediately before the request.
 * Without a send gate it is not sent at all when it could only leave after `notAfter` (a late
 * create would put more calls in a second than the pacing allowed, and Twilio queues the excess
 * for hours). With one, it leaves when the gate opens, up to `GATED_LATE_LIMIT_MS` after
 * `notAfter`, and the gate also refuses a number that opted out a moment ago.
 */
export interface PacedCreateInput extends CreateCallInput {
  notBefore: number;
  notAfter: number;
  /** `clockOffsetMs`: a rehearsal's shift of the window clock, honoured only where deps allow. */
  window?: { timeZone: string; window: DailyWindow; clockOffsetMs?: number };
}

export type PacedCreate =
  | { kind: 'created'; call: CallSummary }
  | { kind: 'missed'; lateMs: number }
  | { kind: 'outside-window' }
  | { kind: 'suppressed' };

export interface UpdateCallInput {
  callSid: string;
  /** Redirect the live call to new TwiML (URL or inline). */
  url?: string;
  twiml?: string;
  /** Hang up, whatever state the call is in. */
  status?: 'completed';
}

export interface FindCallsInput {
  to: string;
  from?: string;
  /** ISO time: calls created before it are left out (the intent's time, minus clock skew). */
  createdAfter: string;
  /** Most calls to return, newest first (default 20). */
  limit?: number;
}

/** The part of Twilio's Call resource workflows use; dates as ISO strings. */
export interface CallSummary {
  sid: string;
  status: string;
  to: string;
  from: string;
  direction: string;
  parentCallSid: string | null;
  dateCreated: string | null;
}

export function withReference(url: string, reference: string | undefined): string {
  if (reference === undefined) return url;
  const u = new URL(url);
  u.searchParams.set(CALL_REFERENCE_PARAM, reference);
  return u.toString();
}

function summary(call: CallInstance): CallSummary {
  return {
    sid: call.sid,
    status: call.status,
    to: call.to,
    from: call.from,
    direction: call.direction,
    parentCallSid: call.parentCallSid ?? null,
    dateCreated: isoOrNull(call.dateCreated),
  };
}

export interface TwilioCallDeps {
  twilio: TwilioClient;
  rehearsal?: boolean;
  /** The account's send gate (PostgreSQL); without one a paced create keeps to its slot strictly. */
  sendGate?: SendGate;
}

export function createTwilioCallActivities(deps: TwilioCallDeps) {
  const { twilio, sendGate } = deps;
  /** Places one call. Not idempotent: a retry after a lost answer may dial twice (see findCalls). */
  async function createCall(input: CreateCallInput): Promise<CallSummary> {
    assertDialable(input.to);
    const call = await twilioRequest(() =>
      twilio.calls.create({
        to: input.to,
        from: input.from,
        url: input.url === undefined ? undefined : withReference(input.url, input.reference),
        twiml: input.twiml,
        statusCallback:
          input.statusCallback === undefined
            ? undefined
            : withReference(input.statusCallback, input.reference),
        statusCallbackEvent: input.statusCallbackEvents,
        timeout: input.timeoutSec,
        machineDetection: input.machineDetection,
        asyncAmd: input.asyncAmd === undefined ? undefined : String(input.asyncAmd),
        asyncAmdStatusCallback:
          input.asyncAmdStatusCallback === undefined
            ? undefined
            : withReference(input.asyncAmdStatusCallback, input.reference),
        ...(input.byoc ? { byoc: input.byoc } : {}),
        ...(input.callerId ? { callerId: input.callerId } : {}),
        ...(input.sipAuth
          ? { sipAuthUsername: input.sipAuth.username, sipAuthPassword: input.sipAuth.password }
          : {}),
      }),
    );
    return summary(call);
  }

  return {
    createCall,

    async createPacedCall(input: PacedCreateInput): Promise<PacedCreate> {
      const { notBefore, notAfter, window, ...create } = input;
      // Negative: the activity itself started after its slot (dispatch, not this process, lagged).
      const aheadMs = notBefore - Date.now();
      if (aheadMs > 0) await sleep(aheadMs);
      const deadline = sendGate ? notAfter + GATED_LATE_LIMIT_MS : notAfter;
      const missed = (): PacedCreate => {
        const lateMs = Date.now() - notAfter;
        campaignDials.inc({ result: 'missed' });
        log.warn('paced create missed its slot: nothing sent, a new slot follows', {
          lateMs,
          startedAheadMs: aheadMs,
        });
        return { kind: 'missed', lateMs };
      };
      if (Date.now() > deadline) return missed();
      const offset = deps.rehearsal ? (window?.clockOffsetMs ?? 0) : 0;
      const windowClosed = (): boolean =>
        window !== undefined &&
        !isWithinWindow(Date.now() + offset, window.timeZone, window.window);
      const outsideWindow = (): PacedCreate => {
        campaignDials.inc({ result: 'outside-window' });
        return { kind: 'outside-window' };
      };
      if (windowClosed()) return outsideWindow();
      const gate = sendGate ? await sendGate.acquire({ phone: create.to, deadline }) : undefined;
      if (gate?.kind === 'late') return missed();
      if (gate?.kind === 'suppressed') {
        campaignDials.inc({ result: 'suppressed' });
        return { kind: 'suppressed' };
      }
      if (gate) sendGateWait.observe(gate.waitedMs / 1000);
      // The gate may have held the create for seconds: a window that closed meanwhile (20:59:58
      // plus a wait) still stops it, and the unused grant is handed back.
      if (gate && windowClosed()) {
        await gate.answered();
        return outsideWindow();
      }
      try {
        const call = await createCall(create);
        campaignDials.inc({ result: 'created' });
        return { kind: 'created', call };
      } finally {
        await gate?.answered();
      }
    },

    async updateCall(input: UpdateCallInput): Promise<CallSummary> {
      const call = await twilioRequest(() =>
        twilio.calls(input.callSid).update({
          url: input.url,
          twiml: input.twiml,
          status: input.status,
        }),
      );
      return summary(call);
    },

    /** Cancels a call that is queued or ringing; Twilio leaves an answered call as it is. */
    async cancelCall(callSid: string): Promise<CallSummary> {
      return summary(
        await twilioRequest(() => twilio.calls(callSid).update({ status: 'canceled' })),
      );
    },

    /**
     * Calls to `to` (and `from`) created since `createdAfter`, newest first: after a create whose
     * answer was lost, the caller looks here before it dials again.
     */
    async findCalls(input: FindCallsInput): Promise<CallSummary[]> {
      const limit = input.limit ?? 20;
      // Twilio's dates have whole seconds.
      const since = Math.floor(Date.parse(input.createdAfter) / 1000) * 1000;
      const calls = await twilioRequest(() =>
        twilio.calls.list({
          to: input.to,
          from: input.from,
          limit,
          pageSize: limit,
        }),
      );
      // Twilio filters on StartTime, which a queued call does not have yet; creation time is ours.
      return calls
        .filter((c) => c.dateCreated !== null && c.dateCreated.getTime() >= since)
        .map(summary);
    },
  };
}
