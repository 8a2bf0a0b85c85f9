-- Setting up a bureau without SQL: posts (巡逻岗亭/警务站) under a station, duty rosters
-- (shifts per unit: the roster job moves units on and off duty at their boundaries), and
-- retired units (kept for their history; never on duty again).

CREATE TABLE command_posts (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES org_units(id),
    name        TEXT NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE unit_shifts (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    crew        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX unit_shifts_unit ON unit_shifts(unit_id, starts_at);
CREATE INDEX unit_shifts_ends ON unit_shifts(ends_at);

ALTER TABLE units ADD COLUMN retired_at BIGINT;
ALTER TABLE units ADD COLUMN post_id TEXT;
