-- Up Migration
-- IVR definitions are versioned data: a call keeps the version it started with.
CREATE TABLE ivr_definitions (
  ivr_id      text NOT NULL,
  version     integer NOT NULL CHECK (version > 0),
  name        text NOT NULL,
  definition  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ivr_id, version)
);

-- The called number chooses the IVR; '*' is the route for numbers without one of their own.
CREATE TABLE number_routes (
  phone_number  text PRIMARY KEY CHECK (phone_number = '*' OR phone_number ~ '^\+[1-9][0-9]{6,14}$'),
  ivr_id        text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Recording consent answers, kept with CallSid and time as evidence.
CREATE TABLE consent_events (
  id          bigserial PRIMARY KEY,
  call_sid    text NOT NULL REFERENCES calls (call_sid) ON DELETE CASCADE,
  event_key   text NOT NULL UNIQUE,
  granted     boolean NOT NULL,
  answered    boolean NOT NULL,
  ivr_id      text NOT NULL,
  ivr_version integer NOT NULL,
  at          timestamptz NOT NULL
);

-- Down Migration
DROP TABLE consent_events;
DROP TABLE number_routes;
DROP TABLE ivr_definitions;
