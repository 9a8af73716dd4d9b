-- Up Migration
-- One durable inbox for the callbacks of every family (call today; recording, conference and SMS
-- later): a row names its family, whose registered deliverer hands it to the target workflow.
ALTER TABLE signal_outbox RENAME TO callback_inbox;
ALTER TABLE callback_inbox RENAME CONSTRAINT signal_outbox_pkey TO callback_inbox_pkey;
ALTER TABLE callback_inbox RENAME CONSTRAINT signal_outbox_event_key_key TO callback_inbox_event_key_key;
ALTER SEQUENCE signal_outbox_id_seq RENAME TO callback_inbox_id_seq;
ALTER TABLE callback_inbox RENAME COLUMN signal_name TO kind;
ALTER TABLE callback_inbox ADD COLUMN family text NOT NULL DEFAULT 'call';
-- Set by the writer (a final call status): the relay sends the workflow's rows without waiting for
-- the batch window, and needs no knowledge of any family's payloads to decide it.
ALTER TABLE callback_inbox ADD COLUMN urgent boolean NOT NULL DEFAULT false;
-- A row refused INBOX_MAX_ATTEMPTS times stays here, with its last error, for an operator.
ALTER TABLE callback_inbox ADD COLUMN dead_at timestamptz;

-- Rows of older servers named status callbacks `callStatus`, after the signal; the kind is `status`.
UPDATE callback_inbox SET kind = 'status' WHERE kind = 'callStatus';
UPDATE callback_inbox SET urgent = true
 WHERE kind = 'status'
   AND payload->>'callStatus' IN ('completed', 'busy', 'failed', 'no-answer', 'canceled');

-- Down Migration
-- The old relay reads every row as a call's: rows of other families must be delivered or deleted
-- (npm run cli -- inbox list) before going back.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM callback_inbox WHERE family <> 'call') THEN
    RAISE EXCEPTION 'callback_inbox holds rows of families other than call';
  END IF;
END $$;
ALTER TABLE callback_inbox DROP COLUMN dead_at;
ALTER TABLE callback_inbox DROP COLUMN urgent;
ALTER TABLE callback_inbox DROP COLUMN family;
ALTER TABLE callback_inbox RENAME COLUMN kind TO signal_name;
ALTER SEQUENCE callback_inbox_id_seq RENAME TO signal_outbox_id_seq;
ALTER TABLE callback_inbox RENAME CONSTRAINT callback_inbox_event_key_key TO signal_outbox_event_key_key;
ALTER TABLE callback_inbox RENAME CONSTRAINT callback_inbox_pkey TO signal_outbox_pkey;
ALTER TABLE callback_inbox RENAME TO signal_outbox;
