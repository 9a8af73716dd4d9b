-- Up Migration
-- How long recordings of each source are kept; a change applies to recordings already stored
-- (the CLI recomputes their retain_until and tells their workflows).
CREATE TABLE recording_retention_policies (
  source          text PRIMARY KEY CHECK (source IN ('voicemail', 'call', 'conference')),
  retain_seconds  bigint NOT NULL CHECK (retain_seconds >= 0),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO recording_retention_policies (source, retain_seconds) VALUES
  ('voicemail', 30 * 86400),
  ('call', 90 * 86400),
  ('conference', 90 * 86400);

-- One row per Twilio recording, from its first callback until (and after) its purge.
CREATE TABLE recordings (
  recording_sid      text PRIMARY KEY CHECK (recording_sid ~ '^RE[0-9a-f]{32}$'),
  call_sid           text CHECK (call_sid ~ '^CA[0-9a-f]{32}$'),
  account_sid        text NOT NULL,
  source             text NOT NULL CHECK (source IN ('voicemail', 'call', 'conference')),
  twilio_source      text,
  status             text NOT NULL,
  error_code         integer,
  channels           integer,
  duration_seconds   integer,
  started_at         timestamptz,
  -- The consent answer this recording was made under, when the call asked for one.
  consent_event_id   bigint REFERENCES consent_events (id) ON DELETE SET NULL,
  storage            text,
  object_key         text,
  key_id             text,
  media_bytes        bigint,
  media_sha256       text,
  object_bytes       bigint,
  stored_at          timestamptz,
  verified_at        timestamptz,
  twilio_deleted_at  timestamptz,
  retain_until       timestamptz,
  on_hold            boolean NOT NULL DEFAULT false,
  purged_at          timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recordings_call_sid_idx ON recordings (call_sid);
CREATE INDEX recordings_retain_idx ON recordings (source, stored_at) WHERE purged_at IS NULL;

-- Redacted text only: the recogniser's original words are never written anywhere.
CREATE TABLE recording_transcripts (
  recording_sid  text NOT NULL REFERENCES recordings (recording_sid) ON DELETE CASCADE,
  provider       text NOT NULL,
  text           text NOT NULL,
  redactions     jsonb NOT NULL DEFAULT '{}'::jsonb,
  word_count     integer NOT NULL,
  confidence     real,
  language       text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (recording_sid, provider)
);

-- Down Migration
DROP TABLE recording_transcripts;
DROP TABLE recordings;
DROP TABLE recording_retention_policies;
