-- Up Migration
-- One row per call; status moves only forward (ordered by Twilio's SequenceNumber).
CREATE TABLE calls (
  call_sid          text PRIMARY KEY CHECK (call_sid ~ '^CA[0-9a-f]{32}$'),
  account_sid       text NOT NULL,
  direction         text NOT NULL,
  from_number       text NOT NULL,
  to_number         text NOT NULL,
  status            text NOT NULL,
  status_sequence   integer NOT NULL DEFAULT -1,
  ivr_id            text,
  ivr_version       integer,
  ivr_node          text,
  started_at        timestamptz NOT NULL,
  ended_at          timestamptz,
  duration_seconds  integer,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calls_started_at_idx ON calls (started_at DESC);

-- Every callback or IVR step exactly once: event_key is derived from the request, so a
-- retried webhook or a retried activity lands on the same row.
CREATE TABLE call_events (
  id               bigserial PRIMARY KEY,
  call_sid         text NOT NULL REFERENCES calls (call_sid) ON DELETE CASCADE,
  event_key        text NOT NULL UNIQUE,
  kind             text NOT NULL,
  sequence_number  integer,
  call_status      text,
  detail           jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at      timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_events_call_sid_idx ON call_events (call_sid, occurred_at);

-- Append-only trail of who did what to which subject; idempotency_key dedupes retries.
CREATE TABLE audit_log (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  actor            text NOT NULL,
  action           text NOT NULL,
  subject_type     text NOT NULL,
  subject_id       text NOT NULL,
  detail           jsonb NOT NULL DEFAULT '{}'::jsonb,
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, at);

-- Down Migration
DROP TABLE audit_log;
DROP TABLE call_events;
DROP TABLE calls;
