-- Up Migration
-- Who did what to a conference, and when: every moderation (mute, hold, kick, end), supervision
-- (monitor, coach, barge) and transfer step. Rows are written by the conference workflow's
-- activities; the audit key is unique so an activity retry never writes a row twice.
CREATE TABLE conference_audit (
  id bigserial PRIMARY KEY,
  audit_key text NOT NULL UNIQUE,
  conference_name text NOT NULL,
  conference_sid text,
  action text NOT NULL,
  -- A participant's label (agent-1, customer, supervisor-1) or CallSid; null for the whole conference.
  participant text,
  call_sid text,
  actor text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conference_audit_name_idx ON conference_audit (conference_name, at);

-- Down Migration
DROP TABLE conference_audit;
