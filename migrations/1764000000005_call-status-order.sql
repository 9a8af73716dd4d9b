-- Up Migration
-- Twilio sends SequenceNumber only with some status callbacks; the others are ordered by their
-- Timestamp, so a call keeps both of the callback that set its status. NULL means "none": the -1
-- sentinel compared below every real number, so a callback without one could never move a status.
ALTER TABLE calls ADD COLUMN status_at timestamptz;
ALTER TABLE calls ALTER COLUMN status_sequence DROP NOT NULL;
ALTER TABLE calls ALTER COLUMN status_sequence DROP DEFAULT;
UPDATE calls SET status_sequence = NULL WHERE status_sequence < 0;
UPDATE call_events SET sequence_number = NULL WHERE sequence_number < 0;

-- Down Migration
UPDATE call_events SET sequence_number = -1 WHERE sequence_number IS NULL AND kind = 'status';
UPDATE calls SET status_sequence = -1 WHERE status_sequence IS NULL;
ALTER TABLE calls ALTER COLUMN status_sequence SET DEFAULT -1;
ALTER TABLE calls ALTER COLUMN status_sequence SET NOT NULL;
ALTER TABLE calls DROP COLUMN status_at;
