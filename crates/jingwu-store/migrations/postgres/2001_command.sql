-- 110 linked command: station sites, units, incidents with their timeline and assignments,
-- AVL position history, key sites, and the per-unit terminal message log (for resume).

-- Where an org unit sits; stations also carry their area as GeoJSON (optional).
CREATE TABLE org_sites (
    org_id        TEXT PRIMARY KEY REFERENCES org_units(id),
    lat           DOUBLE PRECISION NOT NULL,
    lon           DOUBLE PRECISION NOT NULL,
    address       TEXT NOT NULL,
    area_geojson  TEXT
);

CREATE TABLE units (
    id             TEXT PRIMARY KEY,
    call_sign      TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    org_id         TEXT NOT NULL REFERENCES org_units(id),
    status         TEXT NOT NULL,
    status_since   BIGINT NOT NULL,
    incident_id    TEXT,
    crew           TEXT NOT NULL,
    lat            DOUBLE PRECISION,
    lon            DOUBLE PRECISION,
    position_at    BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX units_org ON units(org_id);
CREATE INDEX units_status ON units(status);

CREATE TABLE unit_status_log (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units(id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    at           BIGINT NOT NULL,
    actor_id     TEXT NOT NULL,
    incident_id  TEXT,
    reason       TEXT NOT NULL
);
CREATE INDEX unit_status_log_unit ON unit_status_log(unit_id, at);

CREATE TABLE incidents (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    org_id           TEXT NOT NULL REFERENCES org_units(id),
    category         TEXT NOT NULL,
    subcategory      TEXT NOT NULL,
    priority         TEXT NOT NULL,
    source           TEXT NOT NULL,
    caller_name      TEXT NOT NULL,
    caller_phone     TEXT NOT NULL,
    lat              DOUBLE PRECISION NOT NULL,
    lon              DOUBLE PRECISION NOT NULL,
    address          TEXT NOT NULL,
    description      TEXT NOT NULL,
    status           TEXT NOT NULL,
    duplicate_of     TEXT,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    dispatched_at    BIGINT,
    acknowledged_at  BIGINT,
    en_route_at      BIGINT,
    on_scene_at      BIGINT,
    closed_at        BIGINT,
    result_code      TEXT,
    result_text      TEXT
);
CREATE INDEX incidents_org_created ON incidents(org_id, created_at);
CREATE INDEX incidents_status ON incidents(status, created_at);

CREATE TABLE incident_events (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incidents(id),
    at           BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    unit_id      TEXT,
    detail       TEXT NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events(incident_id, at);

CREATE TABLE assignments (
    incident_id      TEXT NOT NULL REFERENCES incidents(id),
    unit_id          TEXT NOT NULL REFERENCES units(id),
    status           TEXT NOT NULL,
    eta_secs         BIGINT,
    dispatched_at    BIGINT NOT NULL,
    acknowledged_at  BIGINT,
    en_route_at      BIGINT,
    on_scene_at      BIGINT,
    cleared_at       BIGINT,
    PRIMARY KEY (incident_id, unit_id)
);
CREATE INDEX assignments_unit ON assignments(unit_id, dispatched_at);

-- AVL history: telemetry, kept for a retention period; not individually audited.
CREATE TABLE unit_positions (
    unit_id    TEXT NOT NULL,
    at         BIGINT NOT NULL,
    lat        DOUBLE PRECISION NOT NULL,
    lon        DOUBLE PRECISION NOT NULL,
    speed_kmh  DOUBLE PRECISION,
    heading    DOUBLE PRECISION,
    PRIMARY KEY (unit_id, at)
);
CREATE INDEX unit_positions_at ON unit_positions(at);

CREATE TABLE key_sites (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    kind         TEXT NOT NULL,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    target_secs  BIGINT NOT NULL
);
CREATE INDEX key_sites_org ON key_sites(org_id);

-- Messages pushed to a unit's terminal, numbered per unit, so a reconnecting terminal resumes
-- from the last sequence number it saw and misses nothing.
CREATE TABLE terminal_messages (
    unit_id  TEXT NOT NULL REFERENCES units(id),
    seq      BIGINT NOT NULL,
    at       BIGINT NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (unit_id, seq)
);
