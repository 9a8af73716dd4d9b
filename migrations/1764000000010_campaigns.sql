-- Up Migration
-- Outbound campaigns (issue 11). The campaign and attempt workflows own the decisions; these tables
-- hold what must be shared across workflows and workers: the pacing clocks every worker claims
-- from, the live-call leases, the dial intents that make a create exactly once, and one row per
-- contact for `campaign results`.
CREATE TABLE campaigns (
  campaign_id     text PRIMARY KEY,
  name            text NOT NULL,
  from_number     text NOT NULL,
  ivr_id          text NOT NULL,
  settings        jsonb NOT NULL,
  -- Read by every pacing claim, so a rate change or a pause reaches every attempt at once.
  cps             double precision NOT NULL CHECK (cps > 0),
  max_concurrent  integer NOT NULL CHECK (max_concurrent > 0),
  state           text NOT NULL DEFAULT 'running'
                  CHECK (state IN ('running', 'paused', 'canceled', 'completed')),
  contacts_total  integer NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The next free creation instant (epoch ms) of a pacing scope: `account:<AccountSid>` and
-- `campaign:<id>`. A claim takes max(now, every scope's next) and moves each scope on by its
-- interval, in one transaction, so creations stay spaced across every worker and campaign.
CREATE TABLE dial_pacing (
  scope    text PRIMARY KEY,
  -- Fractional: 1020/CPS ms apart, and rounding each step would slow the rate (93 % at 100 CPS).
  next_at  double precision NOT NULL
);

-- A live call holds a lease from its pacing claim until its final status.
CREATE TABLE campaign_live_calls (
  lease_key    text PRIMARY KEY,
  campaign_id  text NOT NULL REFERENCES campaigns (campaign_id) ON DELETE CASCADE,
  slot_at      bigint NOT NULL,
  not_after    bigint NOT NULL,
  acquired_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaign_live_calls_campaign ON campaign_live_calls (campaign_id);

-- Written before the create request; call_sid once Twilio's answer is known (or reconciled).
CREATE TABLE dial_intents (
  intent_key   text PRIMARY KEY,
  campaign_id  text NOT NULL,
  contact_id   integer NOT NULL,
  phone        text NOT NULL,
  from_number  text NOT NULL,
  intended_at  timestamptz NOT NULL DEFAULT now(),
  call_sid     text UNIQUE,
  resolved_at  timestamptz
);
CREATE INDEX dial_intents_phone ON dial_intents (phone, intended_at);

CREATE TABLE campaign_contacts (
  campaign_id  text NOT NULL REFERENCES campaigns (campaign_id) ON DELETE CASCADE,
  contact_id   integer NOT NULL,
  line         integer NOT NULL,
  phone        text NOT NULL,
  name         text,
  time_zone    text NOT NULL,
  variables    jsonb NOT NULL DEFAULT '{}',
  outcome      text,
  attempts     integer NOT NULL DEFAULT 0,
  answered_by  text,
  sms_status   text,
  call_sids    text[] NOT NULL DEFAULT '{}',
  finished_at  timestamptz,
  PRIMARY KEY (campaign_id, contact_id)
);

-- One claim, in one round trip: the campaign's row lock is held only inside the server, never across
-- a client's network round trips, so claims from every worker queue behind each other for
-- microseconds. Returns kind ('slot', 'full' or the campaign's state), slot_at and not_after.
-- The arithmetic is workflows/campaign/pacing.ts's claimSlot (kept in step; unit-tested there,
-- and this function through the activity's tests).
CREATE FUNCTION claim_dial_slot(
  p_campaign text, p_lease text, p_account_scope text, p_account_interval double precision,
  p_tolerance double precision, p_earliest double precision,
  OUT kind text, OUT slot_at bigint, OUT not_after bigint
) LANGUAGE plpgsql AS $$
DECLARE
  c campaigns%ROWTYPE;
  live integer;
  base double precision;
  campaign_scope text := 'campaign:' || p_campaign;
  campaign_interval double precision;
BEGIN
  SELECT * INTO c FROM campaigns WHERE campaign_id = p_campaign FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'campaign % is not registered', p_campaign; END IF;
  IF c.state <> 'running' THEN kind := c.state; RETURN; END IF;
  SELECT l.slot_at, l.not_after INTO slot_at, not_after FROM campaign_live_calls l WHERE lease_key = p_lease;
  IF FOUND THEN kind := 'slot'; RETURN; END IF;
  SELECT count(*) INTO live FROM campaign_live_calls WHERE campaign_id = p_campaign;
  IF live >= c.max_concurrent THEN kind := 'full'; RETURN; END IF;
  campaign_interval := (1000 + p_tolerance) / c.cps;
  INSERT INTO dial_pacing (scope, next_at) VALUES (p_account_scope, 0), (campaign_scope, 0)
    ON CONFLICT (scope) DO NOTHING;
  -- Fixed order ('account:' < 'campaign:'): two campaigns never deadlock on the account's clock.
  PERFORM 1 FROM dial_pacing WHERE scope IN (p_account_scope, campaign_scope) ORDER BY scope FOR UPDATE;
  SELECT greatest(p_earliest, max(next_at)) INTO base
    FROM dial_pacing WHERE scope IN (p_account_scope, campaign_scope);
  UPDATE dial_pacing SET next_at = base + p_account_interval WHERE scope = p_account_scope;
  UPDATE dial_pacing SET next_at = base + campaign_interval WHERE scope = campaign_scope;
  kind := 'slot';
  slot_at := ceil(base);
  not_after := floor(base + p_tolerance);
  INSERT INTO campaign_live_calls (lease_key, campaign_id, slot_at, not_after)
    VALUES (p_lease, p_campaign, slot_at, not_after);
END $$;

-- Down Migration
DROP FUNCTION claim_dial_slot;
DROP TABLE campaign_contacts;
DROP TABLE dial_intents;
DROP TABLE campaign_live_calls;
DROP TABLE dial_pacing;
DROP TABLE campaigns;
