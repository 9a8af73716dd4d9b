-- Up Migration
-- A parked status callback may be the first word of a call: keep what starts its workflow.
ALTER TABLE signal_outbox ADD COLUMN start_input jsonb;

-- Down Migration
ALTER TABLE signal_outbox DROP COLUMN start_input;
