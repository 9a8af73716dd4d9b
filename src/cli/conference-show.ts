import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { ConferenceAuditRow } from '../../activities/conference/audit';
import {
  conferenceSnapshotQuery,
  type ConferenceSnapshot,
} from '../../workflows/conference/definitions';
import type { conferenceWorkflow } from '../../workflows/conference/workflow';
import { FINISHED_PHASES, type TransferView } from '../../workflows/conference/transfer';
import { conferenceWorkflowId } from '../../workflows/shared/ids';
import { table } from './output';

/** A conference's state: its query while it runs, its result once it has closed. */
export async function conferenceState(client: Client, name: string): Promise<ConferenceSnapshot> {
  const handle = client.workflow.getHandle<typeof conferenceWorkflow>(conferenceWorkflowId(name));
  try {
    const { status } = await handle.describe();
    return status.name === 'RUNNING'
      ? await handle.query(conferenceSnapshotQuery)
      : await handle.result();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new Error(`no conference ${name}`);
    throw err;
  }
}

const yes = (b: boolean): string => (b ? 'yes' : '-');

/** What `conference show` prints. */
export async function showConference(
  client: Client,
  name: string,
  audit: ConferenceAuditRow[],
  json: boolean,
): Promise<string> {
  const s = await conferenceState(client, name);
  if (json) return JSON.stringify({ ...s, audit }, null, 2);
  const lines = [
    `conference ${s.name}  ${s.status}${s.endedReason ? ` (${s.endedReason})` : ''}  ${s.conferenceSid ?? 'no ConferenceSid yet'}`,
    `${s.eventsSeen} callbacks applied${s.voicemail ? '; the customer was sent to voicemail' : ''}`,
    '',
    table(
      ['label', 'call', 'status', 'muted', 'hold', 'coaching', 'address', 'reason'],
      s.participants.map((p) => [
        p.label ?? '-',
        p.callSid,
        p.status,
        yes(p.muted),
        yes(p.hold),
        yes(p.coaching),
        p.address ?? '-',
        p.reason ?? '-',
      ]),
    ),
  ];
  if (s.transfers.length) {
    lines.push(
      '',
      table(
        ['transfer', 'to', 'as', 'phase', 'outcome', 'by', 'started'],
        s.transfers.map((t) => [
          String(t.id),
          t.to,
          t.targetLabel,
          t.phase,
          t.outcome ?? '-',
          t.by,
          t.startedAt,
        ]),
      ),
    );
  }
  if (audit.length) {
    lines.push(
      '',
      table(
        ['at', 'action', 'participant', 'by'],
        audit.map((a) => [a.at, a.action, a.participant ?? '-', a.actor]),
      ),
    );
  }
  return lines.join('\n');
}

/** Polls until the latest transfer has finished (completed or compensated). */
export async function waitForTransfer(
  client: Client,
  name: string,
  timeoutMs: number,
): Promise<TransferView | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await conferenceState(client, name).catch(() => undefined);
    const t = s?.transfers[s.transfers.length - 1];
    if ((t && FINISHED_PHASES.includes(t.phase)) || s?.status === 'ended') return t;
    if (Date.now() > deadline) return t;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function transferOutcome(name: string, t: TransferView | undefined): string {
  if (!t) return `${name}: no transfer started yet (is agent A in the conference?)`;
  switch (t.phase) {
    case 'completed':
      return `${name}: transfer ${t.id} completed: ${t.targetLabel} (${t.to}) has the customer`;
    case 'returned-to-agent':
      return `${name}: transfer ${t.id} to ${t.to} failed (${t.outcome}); the customer is back with agent A`;
    case 'voicemail':
      return `${name}: transfer ${t.id} to ${t.to} failed (${t.outcome}) after agent A left; the customer went to voicemail`;
    case 'abandoned':
      return `${name}: transfer ${t.id} abandoned: the customer left`;
    default:
      return `${name}: transfer ${t.id} still ${t.phase}`;
  }
}
