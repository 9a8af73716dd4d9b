-- Up Migration
-- A create's answer is reported with how long ago the worker had it back. Stamped at the report's
-- arrival instead, every millisecond the report spent in the worker's event loop or waiting for a
-- pooled connection held the gate shut for the account, and entered the round trip that spaces
-- its slots: at 10 cps, 30 ms of it cost 3 % of the rate. The worker's own clock never enters:
-- only a duration it measured, subtracted from the database's clock, and the stamp can only come
-- out later than the true answer (the report's own trip is not subtracted), never earlier.
CREATE FUNCTION answer_dial_send(p_id bigint, p_ago_ms double precision) RETURNS void
LANGUAGE sql AS $$
  WITH a AS (
    UPDATE dial_sends
       SET answered_at = greatest(granted_at,
             clock_timestamp() - make_interval(secs => greatest(0, p_ago_ms) / 1000))
     WHERE id = p_id AND answered_at IS NULL
    RETURNING scope, least(500, extract(epoch FROM answered_at - granted_at) * 1000) AS ms
  )
  UPDATE dial_pacing p
     SET round_trip_ms = CASE WHEN p.round_trip_ms IS NULL THEN a.ms
                              ELSE 0.9 * p.round_trip_ms + 0.1 * a.ms END
    FROM a WHERE p.scope = a.scope;
$$;

-- Down Migration
DROP FUNCTION answer_dial_send(bigint, double precision);
