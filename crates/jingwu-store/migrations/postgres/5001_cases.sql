-- Three-in-one law enforcement: cases with their parties, steps, documents, deadlines and
-- supervision; the handling area (办案区) with its rooms, the people in it and their legal
-- clocks; evidence and property with an append-only chain of custody, storage locations and
-- inventories. Legal time limits are data (docs/cases.md): the law changes.

-- One row per legal clock a bureau runs. `applies_to`: 'custody' (a measure on a person in
-- the handling area, clock from arrival) or 'case' (a case deadline). Durations in minutes;
-- `max_minutes` with every extension; an extension is approved by an account of
-- `approver_level` (an org kind) or above; warnings at `warn_permille` (comma list) of the
-- running limit.
CREATE TABLE case_legal_limits (
    code            TEXT PRIMARY KEY,
    applies_to      TEXT NOT NULL,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    law             TEXT NOT NULL,
    article         TEXT NOT NULL,
    version         TEXT NOT NULL,
    base_minutes    BIGINT NOT NULL,
    max_minutes     BIGINT NOT NULL,
    approver_level  TEXT,
    warn_permille   TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CHECK (max_minutes >= base_minutes AND base_minutes > 0)
);

-- Case numbers: the last sequence number used per prefix (kind letter, org code, year).
CREATE TABLE case_numbers (
    prefix  TEXT PRIMARY KEY,
    last    BIGINT NOT NULL
);

-- `org_id` is the handling unit, `legal_org_id` the supervising legal office; both see the
-- case. One case per 110 incident.
CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL,
    title          TEXT NOT NULL,
    cause          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    org_id         TEXT NOT NULL REFERENCES org_units(id),
    legal_org_id   TEXT NOT NULL REFERENCES org_units(id),
    handler_id     TEXT NOT NULL REFERENCES users(id),
    supervisor_id  TEXT REFERENCES users(id),
    incident_id    TEXT UNIQUE REFERENCES incidents(id),
    address        TEXT NOT NULL,
    lat            DOUBLE PRECISION,
    lon            DOUBLE PRECISION,
    occurred_at    BIGINT,
    accepted_at    BIGINT NOT NULL,
    filed_at       BIGINT,
    closed_at      BIGINT,
    close_reason   TEXT,
    created_by     TEXT NOT NULL REFERENCES users(id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX cases_org ON cases(org_id, status, accepted_at);
CREATE INDEX cases_legal_org ON cases(legal_org_id, status);

-- Suspects, victims, witnesses, reporters. `id_kind`: resident_id (validated), passport,
-- other or unknown (identity not yet established).
CREATE TABLE case_parties (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    role        TEXT NOT NULL,
    name        TEXT NOT NULL,
    id_kind     TEXT NOT NULL,
    id_number   TEXT,
    phone       TEXT,
    address     TEXT NOT NULL,
    note        TEXT NOT NULL,
    added_by    TEXT NOT NULL REFERENCES users(id),
    added_at    BIGINT NOT NULL
);
CREATE INDEX case_parties_case ON case_parties(case_id);
CREATE INDEX case_parties_id_number ON case_parties(id_number);

-- Case steps, each optionally with a document (a content-addressed blob).
CREATE TABLE case_steps (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    kind             TEXT NOT NULL,
    note             TEXT NOT NULL,
    document_sha256  TEXT,
    document_name    TEXT,
    document_type    TEXT,
    document_bytes   BIGINT,
    by_id            TEXT NOT NULL REFERENCES users(id),
    at               BIGINT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps(case_id, at);

-- Case deadlines: a clock started at `started_at` under a legal limit; the due instant is
-- computed from the start and the approved extensions, never stored.
CREATE TABLE case_deadlines (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    limit_code  TEXT NOT NULL REFERENCES case_legal_limits(code),
    started_at  BIGINT NOT NULL,
    met_at      BIGINT,
    note        TEXT NOT NULL
);
CREATE INDEX case_deadlines_case ON case_deadlines(case_id);
CREATE INDEX case_deadlines_open ON case_deadlines(met_at);

-- Supervision: comments, and corrections the handler must answer.
CREATE TABLE case_comments (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    by_id        TEXT NOT NULL REFERENCES users(id),
    at           BIGINT NOT NULL,
    resolved_by  TEXT REFERENCES users(id),
    resolved_at  BIGINT,
    resolution   TEXT
);
CREATE INDEX case_comments_case ON case_comments(case_id, at);

-- Rooms of a handling area (safety check, interrogation, questioning, waiting …).
CREATE TABLE area_rooms (
    id       TEXT PRIMARY KEY,
    org_id   TEXT NOT NULL REFERENCES org_units(id),
    code     TEXT NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    active   INTEGER NOT NULL,
    UNIQUE (org_id, code)
);

-- A person brought into a handling area: open while `exit_at` is NULL. One open record per
-- identity number.
CREATE TABLE area_custodies (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    case_id      TEXT REFERENCES cases(id),
    name         TEXT NOT NULL,
    id_kind      TEXT NOT NULL,
    id_number    TEXT,
    role         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    arrived_at   BIGINT NOT NULL,
    entered_at   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    room_id      TEXT REFERENCES area_rooms(id),
    handler_id   TEXT NOT NULL REFERENCES users(id),
    exit_at      BIGINT,
    outcome      TEXT,
    outcome_note TEXT,
    CHECK ((exit_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX area_custodies_org ON area_custodies(org_id, status);
CREATE INDEX area_custodies_case ON area_custodies(case_id);
CREATE UNIQUE INDEX area_custodies_open ON area_custodies(id_number)
    WHERE exit_at IS NULL AND id_number IS NOT NULL;

-- Measures on a person in the area (summons, compelled appearance, continued questioning …):
-- each a legal clock from the arrival time. `ended_at` when it ends (a new measure or exit).
CREATE TABLE area_measures (
    id          TEXT PRIMARY KEY,
    custody_id  TEXT NOT NULL REFERENCES area_custodies(id),
    limit_code  TEXT NOT NULL REFERENCES case_legal_limits(code),
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    decided_by  TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX area_measures_custody ON area_measures(custody_id);
CREATE INDEX area_measures_open ON area_measures(ended_at);

-- Extensions of a clock (`clock` 'measure' → area_measures, 'deadline' → case_deadlines),
-- requested by the handler, approved or refused by an account of the right level.
CREATE TABLE clock_extensions (
    id              TEXT PRIMARY KEY,
    clock           TEXT NOT NULL,
    clock_id        TEXT NOT NULL,
    minutes         BIGINT NOT NULL,
    reason          TEXT NOT NULL,
    requested_by    TEXT NOT NULL REFERENCES users(id),
    requested_at    BIGINT NOT NULL,
    status          TEXT NOT NULL,
    decided_by      TEXT REFERENCES users(id),
    decided_level   TEXT,
    decided_at      BIGINT,
    decision_note   TEXT,
    CHECK (minutes > 0)
);
CREATE INDEX clock_extensions_clock ON clock_extensions(clock, clock_id);

-- Warnings and expiries already raised per clock, so a job raises each once.
CREATE TABLE clock_alerts (
    clock     TEXT NOT NULL,
    clock_id  TEXT NOT NULL,
    level     TEXT NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (clock, clock_id, level)
);

-- What happened to a person in the area, in order (safety check, information collected,
-- belongings, room moves, temporary leave and return, measures, warnings, exit). Append-only.
CREATE TABLE area_events (
    custody_id  TEXT NOT NULL REFERENCES area_custodies(id),
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    by_id       TEXT REFERENCES users(id),
    room_id     TEXT REFERENCES area_rooms(id),
    detail      TEXT NOT NULL,
    PRIMARY KEY (custody_id, seq)
);

-- Belongings kept while a person is in the area, returned at exit.
CREATE TABLE area_belongings (
    id           TEXT PRIMARY KEY,
    custody_id   TEXT NOT NULL REFERENCES area_custodies(id),
    description  TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    returned_at  BIGINT
);
CREATE INDEX area_belongings_custody ON area_belongings(custody_id);

-- Storage locations of a property store; `secure` ones take high-risk items.
CREATE TABLE evidence_locations (
    id      TEXT PRIMARY KEY,
    org_id  TEXT NOT NULL REFERENCES org_units(id),
    code    TEXT NOT NULL,
    name    TEXT NOT NULL,
    secure  INTEGER NOT NULL,
    active  INTEGER NOT NULL,
    UNIQUE (org_id, code)
);

-- An item of evidence or property, held by the store of `org_id` for a case. Its state,
-- location and holder are the result of its custody events (kept here so lists need no
-- replay); `last_seq`/`last_digest` are the head of its custody chain.
CREATE TABLE evidence_items (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES org_units(id),
    case_id       TEXT NOT NULL REFERENCES cases(id),
    barcode       TEXT NOT NULL UNIQUE,
    seal_no       TEXT,
    description   TEXT NOT NULL,
    category      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    quantity      INTEGER NOT NULL,
    sha256        TEXT,
    size_bytes    BIGINT,
    media_type    TEXT,
    state         TEXT NOT NULL,
    location_id   TEXT REFERENCES evidence_locations(id),
    holder_id     TEXT REFERENCES users(id),
    flagged       INTEGER NOT NULL,
    seized_at     BIGINT NOT NULL,
    intake_at     BIGINT NOT NULL,
    last_seq      INTEGER NOT NULL,
    last_digest   TEXT NOT NULL,
    CHECK ((kind = 'digital') = (sha256 IS NOT NULL))
);
CREATE INDEX evidence_items_case ON evidence_items(case_id);
CREATE INDEX evidence_items_org ON evidence_items(org_id, state, location_id);
CREATE INDEX evidence_items_sha256 ON evidence_items(sha256);

-- The chain of custody: one row per handling act, never changed (triggers below). `digest`
-- chains each event to the item's previous one; the audit log records every digest.
CREATE TABLE evidence_events (
    item_id        TEXT NOT NULL REFERENCES evidence_items(id),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    at             BIGINT NOT NULL,
    actor_id       TEXT NOT NULL REFERENCES users(id),
    from_holder    TEXT,
    to_holder      TEXT,
    from_location  TEXT,
    to_location    TEXT,
    place          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    seal_no        TEXT,
    seal_intact    INTEGER,
    hash_matched   INTEGER,
    witnesses      TEXT NOT NULL,
    prev_digest    TEXT NOT NULL,
    digest         TEXT NOT NULL UNIQUE,
    PRIMARY KEY (item_id, seq)
);
CREATE INDEX evidence_events_at ON evidence_events(at);

-- Inventories: a full count or a sample of a store (or one location), by an auditor outside
-- the chain of custody. The expected items are fixed when it starts.
CREATE TABLE evidence_inventories (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    location_id  TEXT REFERENCES evidence_locations(id),
    scope        TEXT NOT NULL,
    seed         BIGINT NOT NULL,
    auditor_id   TEXT NOT NULL REFERENCES users(id),
    started_at   BIGINT NOT NULL,
    closed_at    BIGINT,
    expected     INTEGER NOT NULL,
    found        INTEGER,
    discrepancies INTEGER
);
CREATE INDEX evidence_inventories_org ON evidence_inventories(org_id, started_at);

CREATE TABLE evidence_inventory_expected (
    inventory_id  TEXT NOT NULL REFERENCES evidence_inventories(id),
    item_id       TEXT NOT NULL REFERENCES evidence_items(id),
    location_id   TEXT,
    PRIMARY KEY (inventory_id, item_id)
);

CREATE TABLE evidence_inventory_scans (
    inventory_id  TEXT NOT NULL REFERENCES evidence_inventories(id),
    barcode       TEXT NOT NULL,
    location_id   TEXT REFERENCES evidence_locations(id),
    seal_intact   INTEGER NOT NULL,
    scanned_by    TEXT NOT NULL REFERENCES users(id),
    scanned_at    BIGINT NOT NULL,
    PRIMARY KEY (inventory_id, barcode)
);

-- What a closed inventory found wrong: missing, misplaced, unexpected, seal broken.
CREATE TABLE evidence_discrepancies (
    inventory_id  TEXT NOT NULL REFERENCES evidence_inventories(id),
    barcode       TEXT NOT NULL,
    item_id       TEXT,
    kind          TEXT NOT NULL,
    detail        TEXT NOT NULL,
    PRIMARY KEY (inventory_id, barcode, kind)
);

CREATE TRIGGER evidence_events_no_update BEFORE UPDATE ON evidence_events
    FOR EACH ROW EXECUTE FUNCTION jingwu_append_only();
CREATE TRIGGER evidence_events_no_delete BEFORE DELETE ON evidence_events
    FOR EACH ROW EXECUTE FUNCTION jingwu_append_only();
CREATE TRIGGER evidence_events_no_truncate BEFORE TRUNCATE ON evidence_events
    FOR EACH STATEMENT EXECUTE FUNCTION jingwu_append_only();
CREATE TRIGGER area_events_no_update BEFORE UPDATE ON area_events
    FOR EACH ROW EXECUTE FUNCTION jingwu_append_only();
CREATE TRIGGER area_events_no_delete BEFORE DELETE ON area_events
    FOR EACH ROW EXECUTE FUNCTION jingwu_append_only();
CREATE TRIGGER area_events_no_truncate BEFORE TRUNCATE ON area_events
    FOR EACH STATEMENT EXECUTE FUNCTION jingwu_append_only();
