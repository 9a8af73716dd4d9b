-- Up Migration
-- Where outbound destinations go: by the longest matching prefix, then by priority (0 first, each
-- higher one the fallback when the one before answers busy, failed or with a SIP error).
CREATE TABLE carrier_routes (
  prefix       text NOT NULL CHECK (prefix = '*' OR prefix ~ '^(\+[0-9]{0,15}|sips?:\S{0,200})$'),
  priority     smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 9),
  kind         text NOT NULL CHECK (kind IN ('pstn', 'byoc', 'sip')),
  trunk_sid    text CHECK (trunk_sid ~ '^BY[0-9a-fA-F]{32}$'),
  target       text,
  description  text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (prefix, priority),
  CHECK ((kind = 'byoc') = (trunk_sid IS NOT NULL))
);

-- Down Migration
DROP TABLE carrier_routes;
