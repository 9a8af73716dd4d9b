-- Up Migration
-- Status callbacks that arrive while Temporal is unreachable wait here until the server's relay
-- delivers them; Twilio does not retry status callbacks, so dropping one would lose the event.
CREATE TABLE signal_outbox (
  id           bigserial PRIMARY KEY,
  event_key    text NOT NULL UNIQUE,
  workflow_id  text NOT NULL,
  signal_name  text NOT NULL,
  payload      jsonb NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE signal_outbox;
