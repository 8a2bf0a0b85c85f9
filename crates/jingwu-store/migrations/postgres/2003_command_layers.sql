-- Information layers shown on the command map (categories, systems, their features) and the
-- coverage alerts raised when a station area's 3-minute coverage falls below its target.

CREATE TABLE layer_categories (
    id       TEXT PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    sort     BIGINT NOT NULL
);

-- kind: imported | pushed | live. read_roles: JSON array of role codes that may read the
-- features; scoped = 1 when a reader sees only features of its own subtree.
CREATE TABLE layers (
    id            TEXT PRIMARY KEY,
    category_id   TEXT NOT NULL REFERENCES layer_categories(id),
    code          TEXT NOT NULL UNIQUE,
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    owner_org_id  TEXT NOT NULL REFERENCES org_units(id),
    kind          TEXT NOT NULL,
    read_roles    TEXT NOT NULL,
    scoped        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX layers_category ON layers(category_id);

-- geometry and properties are GeoJSON/JSON text; the bounding box columns serve bbox filters.
CREATE TABLE layer_features (
    id           TEXT PRIMARY KEY,
    layer_id     TEXT NOT NULL REFERENCES layers(id),
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    external_id  TEXT NOT NULL,
    geometry     TEXT NOT NULL,
    properties   TEXT NOT NULL,
    min_lat      DOUBLE PRECISION NOT NULL,
    min_lon      DOUBLE PRECISION NOT NULL,
    max_lat      DOUBLE PRECISION NOT NULL,
    max_lon      DOUBLE PRECISION NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (layer_id, external_id)
);
CREATE INDEX layer_features_org ON layer_features(layer_id, org_id);

-- suggestion: JSON move-up proposal (units to move and where); resolved_at set when the
-- area's coverage is back at its target.
CREATE TABLE coverage_alerts (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    limit_secs   BIGINT NOT NULL,
    road_share   DOUBLE PRECISION NOT NULL,
    cell_share   DOUBLE PRECISION NOT NULL,
    target       DOUBLE PRECISION NOT NULL,
    suggestion   TEXT NOT NULL,
    raised_at    BIGINT NOT NULL,
    resolved_at  BIGINT
);
CREATE INDEX coverage_alerts_org ON coverage_alerts(org_id, raised_at);
