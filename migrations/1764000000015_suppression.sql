-- Up Migration
-- Opt-outs (issue 11): who must never be called or texted, checked immediately before every call
-- and every SMS. One row per suppressed number; every change also leaves an audit row.
CREATE TABLE opt_outs (
  phone       text PRIMARY KEY CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  source      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Who changed a number's consent and when: an SMS keyword, Twilio's 21610, an operator's CLI.
-- TCPA disputes turn on this record, so rows are only ever added.
CREATE TABLE opt_out_events (
  id      bigserial PRIMARY KEY,
  phone   text NOT NULL,
  action  text NOT NULL CHECK (action IN ('opt-out', 'opt-in')),
  source  text NOT NULL,
  at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opt_out_events_phone ON opt_out_events (phone, at);

-- One row per dial claimed against the per-number cap, across every campaign; attempt_key makes a
-- retried claim (an activity retried after a crash) count once.
CREATE TABLE contact_attempts (
  attempt_key  text PRIMARY KEY,
  phone        text NOT NULL,
  claimed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_attempts_phone ON contact_attempts (phone, claimed_at);

-- Down Migration
DROP TABLE contact_attempts;
DROP TABLE opt_out_events;
DROP TABLE opt_outs;
