-- Up Migration
-- Twilio's Debugger webhook: what Twilio saw go wrong (11200 from a Voice URL that points nowhere,
-- 20003 after a token rotation…), often for a call Switchboard never heard of. Twilio repeats a
-- delivery it thinks failed, so an alert is kept once under its Sid.
CREATE TABLE debugger_alerts (
  id bigserial PRIMARY KEY,
  alert_sid text NOT NULL UNIQUE,
  account_sid text NOT NULL,
  level text NOT NULL,
  error_code text,
  call_sid text,
  -- The catalog's one line as it read when the alert arrived: an operator reads it without a release.
  explanation text NOT NULL,
  payload jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX debugger_alerts_call_sid_idx ON debugger_alerts (call_sid) WHERE call_sid IS NOT NULL;
CREATE INDEX debugger_alerts_occurred_at_idx ON debugger_alerts (occurred_at);

-- Down Migration
DROP TABLE debugger_alerts;
