-- Traffic services for the public: police-public messages, the road-event feed for map apps,
-- and minor-accident quick settlement between two parties.

-- A tip, complaint or question from a citizen and the bureau's reply.
CREATE TABLE traffic_messages (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    author_id    TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    reply        TEXT,
    replied_by   TEXT REFERENCES users(id),
    replied_at   BIGINT
);
CREATE INDEX traffic_messages_author ON traffic_messages(author_id, created_at);
CREATE INDEX traffic_messages_org ON traffic_messages(org_id, status, created_at);

-- Accidents, closures and traffic controls entered by traffic police; `line` is the affected
-- stretch as "lat lon lat lon …" (WGS 84), at least the point itself.
CREATE TABLE traffic_road_events (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES org_units(id),
    kind          TEXT NOT NULL,
    street        TEXT NOT NULL,
    description   TEXT NOT NULL,
    line          TEXT NOT NULL,
    both_ways     BIGINT NOT NULL,
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    withdrawn_at  BIGINT
);
CREATE INDEX traffic_road_events_live ON traffic_road_events(withdrawn_at, starts_at);

-- A minor accident settled online: party A files with the facts and B's identity, B confirms
-- (agreeing to the liabilities) or both ask the police to assign liability.
CREATE TABLE traffic_accidents (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES org_units(id),
    status          TEXT NOT NULL,
    occurred_at     BIGINT NOT NULL,
    place           TEXT NOT NULL,
    lat             DOUBLE PRECISION NOT NULL,
    lon             DOUBLE PRECISION NOT NULL,
    party_a         TEXT NOT NULL REFERENCES users(id),
    plate_a         TEXT NOT NULL,
    party_b         TEXT NOT NULL REFERENCES users(id),
    plate_b         TEXT NOT NULL,
    liability_a     TEXT,
    liability_b     TEXT,
    account         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    confirmed_at    BIGINT,
    assigned_by     TEXT REFERENCES users(id),
    assigned_at     BIGINT
);
CREATE INDEX traffic_accidents_a ON traffic_accidents(party_a, created_at);
CREATE INDEX traffic_accidents_b ON traffic_accidents(party_b, created_at);
CREATE INDEX traffic_accidents_org ON traffic_accidents(org_id, status);
