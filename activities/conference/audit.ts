import type { Db } from '../../src/db/pool';

/** One audited conference action: who, what, on whom, when. */
export interface ConferenceAuditEntry {
  /** Unique per action (workflow id, run and the workflow's own counter): retries write once. */
  key: string;
  conferenceName: string;
  conferenceSid: string | null;
  action: string;
  participant: string | null;
  callSid: string | null;
  actor: string;
  detail: Record<string, unknown>;
  /** Workflow time of the action, ISO 8601. */
  at: string;
}

export interface ConferenceAuditRow {
  action: string;
  participant: string | null;
  callSid: string | null;
  actor: string;
  detail: Record<string, unknown>;
  at: string;
}

export function createConferenceActivities({ db }: { db: Db }) {
  return {
    /** Writes one audit row; a retried activity finds its key and writes nothing. */
    async auditConference(entry: ConferenceAuditEntry): Promise<void> {
      await db.query(
        `INSERT INTO conference_audit
           (audit_key, conference_name, conference_sid, action, participant, call_sid, actor, detail, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (audit_key) DO NOTHING`,
        [
          entry.key,
          entry.conferenceName,
          entry.conferenceSid,
          entry.action,
          entry.participant,
          entry.callSid,
          entry.actor,
          JSON.stringify(entry.detail),
          entry.at,
        ],
      );
    },
  };
}

/** The audit trail of one conference, oldest first (the CLI's `show`). */
export async function conferenceAudit(db: Db, name: string): Promise<ConferenceAuditRow[]> {
  const { rows } = await db.query<{
    action: string;
    participant: string | null;
    call_sid: string | null;
    actor: string;
    detail: Record<string, unknown>;
    at: Date;
  }>(
    `SELECT action, participant, call_sid, actor, detail, at FROM conference_audit
      WHERE conference_name = $1 ORDER BY at, id`,
    [name],
  );
  return rows.map((r) => ({
    action: r.action,
    participant: r.participant,
    callSid: r.call_sid,
    actor: r.actor,
    detail: r.detail,
    at: r.at.toISOString(),
  }));
}
