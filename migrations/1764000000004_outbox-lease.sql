-- Up Migration
-- The relay leases rows for the length of one delivery instead of holding row locks while it waits
-- on Temporal, so a retried webhook that writes the same event key never waits behind a delivery.
ALTER TABLE signal_outbox ADD COLUMN leased_until timestamptz;

-- Down Migration
ALTER TABLE signal_outbox DROP COLUMN leased_until;
