-- Up Migration
-- The send gate: every call create of an account, from the moment it may leave until Twilio's
-- answer is back. Twilio counts a create when it arrives, somewhere between those two instants, so
-- a create may leave only once fewer than the account's CPS creates can still arrive inside the
-- last second: pacing stays exact at Twilio whatever the network, the worker or a lost answer do.
CREATE TABLE dial_sends (
  id          bigserial PRIMARY KEY,
  scope       text NOT NULL,
  granted_at  timestamptz NOT NULL,
  -- When the create's answer (or its failure) was back; NULL while it is in flight.
  answered_at timestamptz,
  -- An answer never reported (its worker died) counts as back at this instant.
  expires_at  timestamptz NOT NULL
);
-- Rows leave once they cannot matter (done before the window), so a scope holds about a second's.
CREATE INDEX dial_sends_scope ON dial_sends (scope);

-- 'granted' (send in wait_ms, then report the answer with send_id), 'wait' (ask again: a create
-- still in flight holds the gate until its answer) or 'suppressed' (the number opted out: checked
-- here, milliseconds before the request). A grant may lie up to p_ahead_ms ahead, when the gate
-- opens then: the caller sleeps wait_ms from the reply, so it cannot send before granted_at.
CREATE FUNCTION grant_dial_send(
  p_scope text, p_limit integer, p_window_ms double precision, p_phone text,
  p_in_flight_ms double precision, p_ahead_ms double precision,
  OUT kind text, OUT send_id bigint, OUT wait_ms double precision
) LANGUAGE plpgsql AS $$
DECLARE
  now_ts timestamptz;
  win interval := make_interval(secs => p_window_ms / 1000);
  limit_done timestamptz;
  send_at timestamptz;
BEGIN
  IF p_phone IS NOT NULL AND EXISTS (SELECT 1 FROM opt_outs WHERE phone = p_phone) THEN
    kind := 'suppressed';
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('dial_sends:' || p_scope, 0));
  -- Read after the lock: each grant sees every grant before it.
  now_ts := clock_timestamp();
  DELETE FROM dial_sends WHERE scope = p_scope AND coalesce(answered_at, expires_at) < now_ts - win;
  -- The p_limit-th latest instant by which a recent create had surely arrived at Twilio.
  SELECT coalesce(answered_at, expires_at) INTO limit_done
    FROM dial_sends WHERE scope = p_scope
   ORDER BY 1 DESC OFFSET p_limit - 1 LIMIT 1;
  send_at := greatest(now_ts, coalesce(limit_done + win, now_ts));
  wait_ms := extract(epoch FROM (send_at - now_ts)) * 1000;
  IF wait_ms > p_ahead_ms THEN
    kind := 'wait';
    RETURN;
  END IF;
  INSERT INTO dial_sends (scope, granted_at, expires_at)
    VALUES (p_scope, send_at, send_at + make_interval(secs => p_in_flight_ms / 1000))
    RETURNING id INTO send_id;
  kind := 'granted';
END $$;

-- The account's create round trip (grant to answer), a moving average. The gate lets the CPS-th
-- next create leave a second plus that round trip after a create, so slots spaced closer than that
-- would fall ever further behind their creates: claims space them by it (activities/campaign/pacing.ts).
ALTER TABLE dial_pacing ADD COLUMN round_trip_ms double precision;

-- Reports a create's answer: the gate opens for it a second later, and the round trip is averaged
-- (one sample capped, so a single timed-out request does not slow the account for minutes).
CREATE FUNCTION answer_dial_send(p_id bigint) RETURNS void LANGUAGE sql AS $$
  WITH a AS (
    UPDATE dial_sends SET answered_at = clock_timestamp()
     WHERE id = p_id AND answered_at IS NULL
    RETURNING scope, least(500, extract(epoch FROM answered_at - granted_at) * 1000) AS ms
  )
  UPDATE dial_pacing p
     SET round_trip_ms = CASE WHEN p.round_trip_ms IS NULL THEN a.ms
                              ELSE 0.9 * p.round_trip_ms + 0.1 * a.ms END
    FROM a WHERE p.scope = a.scope;
$$;

-- Down Migration
DROP FUNCTION answer_dial_send;
DROP FUNCTION grant_dial_send;
DROP TABLE dial_sends;
ALTER TABLE dial_pacing DROP COLUMN round_trip_ms;
