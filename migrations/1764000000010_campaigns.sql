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

-- Down Migration
DROP TABLE campaign_contacts;
DROP TABLE dial_intents;
DROP TABLE campaign_live_calls;
DROP TABLE dial_pacing;
DROP TABLE campaigns;
