-- Smart fire and hazmat: the registries (chemicals, enterprises and their stocks, transport
-- vehicles, weather stations and their observations, fire units) and the response to a release
-- (the response, its "1335" linkage steps, field readings, CAP alerts issued).

-- Reference data: levels of concern in ppm with the AEGL exposure duration; ERG distances
-- (isolate m, protect day/night km) per spill size, NULL where the guide refers to Table 3.
CREATE TABLE hazmat_chemicals (
    id                TEXT PRIMARY KEY,
    un_number         TEXT NOT NULL,
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    hazard_class      TEXT NOT NULL,
    molecular_weight  DOUBLE PRECISION NOT NULL,
    erg_guide         BIGINT NOT NULL,
    dense_gas         BIGINT NOT NULL,
    aegl_minutes      BIGINT NOT NULL,
    aegl1_ppm         DOUBLE PRECISION,
    aegl2_ppm         DOUBLE PRECISION,
    aegl3_ppm         DOUBLE PRECISION,
    erpg1_ppm         DOUBLE PRECISION,
    erpg2_ppm         DOUBLE PRECISION,
    erpg3_ppm         DOUBLE PRECISION,
    small_isolate_m   DOUBLE PRECISION,
    small_day_km      DOUBLE PRECISION,
    small_night_km    DOUBLE PRECISION,
    large_isolate_m   DOUBLE PRECISION,
    large_day_km      DOUBLE PRECISION,
    large_night_km    DOUBLE PRECISION,
    UNIQUE (un_number, name_en)
);
CREATE INDEX hazmat_chemicals_un ON hazmat_chemicals(un_number);

CREATE TABLE hazmat_enterprises (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES org_units(id),
    uscc           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    address        TEXT NOT NULL,
    lat            DOUBLE PRECISION NOT NULL,
    lon            DOUBLE PRECISION NOT NULL,
    contact_name   TEXT NOT NULL,
    contact_phone  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
-- Zones find the enterprises inside them by bounding box first.
CREATE INDEX hazmat_enterprises_lat_lon ON hazmat_enterprises(lat, lon);
CREATE INDEX hazmat_enterprises_org ON hazmat_enterprises(org_id);

-- One row: bumped with every enterprise added, so in-memory indexes of the registry know in
-- one read whether they are current (enterprises are only ever added).
CREATE TABLE hazmat_registry (
    id                   BIGINT PRIMARY KEY,
    enterprises_version  BIGINT NOT NULL
);
INSERT INTO hazmat_registry (id, enterprises_version) VALUES (1, 0);

CREATE TABLE hazmat_stocks (
    enterprise_id  TEXT NOT NULL REFERENCES hazmat_enterprises(id),
    chemical_id    TEXT NOT NULL REFERENCES hazmat_chemicals(id),
    quantity_kg    DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (enterprise_id, chemical_id)
);

CREATE TABLE hazmat_vehicles (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    plate        TEXT NOT NULL UNIQUE,
    carrier      TEXT NOT NULL,
    chemical_id  TEXT REFERENCES hazmat_chemicals(id),
    cargo_kg     DOUBLE PRECISION NOT NULL,
    lat          DOUBLE PRECISION,
    lon          DOUBLE PRECISION,
    fix_at       BIGINT
);
CREATE INDEX hazmat_vehicles_org ON hazmat_vehicles(org_id);

CREATE TABLE weather_stations (
    id      TEXT PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    org_id  TEXT NOT NULL REFERENCES org_units(id),
    lat     DOUBLE PRECISION NOT NULL,
    lon     DOUBLE PRECISION NOT NULL,
    elev_m  DOUBLE PRECISION NOT NULL
);

-- qc_flags: the network's quality flags, comma-separated (a flagged observation is not used).
CREATE TABLE weather_observations (
    station_id          TEXT NOT NULL REFERENCES weather_stations(id),
    obs_at              BIGINT NOT NULL,
    received_at         BIGINT NOT NULL,
    source              TEXT NOT NULL,
    wind_from_deg       DOUBLE PRECISION,
    wind_speed_ms       DOUBLE PRECISION NOT NULL,
    gust_ms             DOUBLE PRECISION,
    temp_c              DOUBLE PRECISION,
    rh_pct              DOUBLE PRECISION,
    pressure_hpa        DOUBLE PRECISION,
    total_cloud_tenths  DOUBLE PRECISION,
    low_cloud_tenths    DOUBLE PRECISION,
    ceiling_m           DOUBLE PRECISION,
    global_solar_wm2    DOUBLE PRECISION,
    delta_t_c           DOUBLE PRECISION,
    sigma_theta_deg     DOUBLE PRECISION,
    qc_flags            TEXT NOT NULL,
    PRIMARY KEY (station_id, obs_at)
);

CREATE TABLE fire_units (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES org_units(id),
    call_sign     TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    station_name  TEXT NOT NULL,
    lat           DOUBLE PRECISION NOT NULL,
    lon           DOUBLE PRECISION NOT NULL,
    available     BIGINT NOT NULL
);
CREATE INDEX fire_units_org ON fire_units(org_id);

-- amount: g/s (continuous) or g (instantaneous). alarm_at starts the 1/3/5-minute clock.
CREATE TABLE hazmat_responses (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES org_units(id),
    incident_id    TEXT REFERENCES incidents(id),
    enterprise_id  TEXT REFERENCES hazmat_enterprises(id),
    title          TEXT NOT NULL,
    chemical_id    TEXT NOT NULL REFERENCES hazmat_chemicals(id),
    lat            DOUBLE PRECISION NOT NULL,
    lon            DOUBLE PRECISION NOT NULL,
    release_kind   TEXT NOT NULL,
    amount         DOUBLE PRECISION NOT NULL,
    height_m       DOUBLE PRECISION NOT NULL,
    spill          TEXT NOT NULL,
    sigma_set      TEXT NOT NULL,
    terrain        TEXT NOT NULL,
    level          TEXT NOT NULL,
    alarm_at       BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users(id),
    closed_at      BIGINT
);
CREATE INDEX hazmat_responses_org ON hazmat_responses(org_id, created_at);

CREATE TABLE hazmat_linkage_steps (
    response_id  TEXT NOT NULL REFERENCES hazmat_responses(id),
    step         TEXT NOT NULL,
    done_at      BIGINT NOT NULL,
    actor_id     TEXT NOT NULL REFERENCES users(id),
    note         TEXT NOT NULL,
    PRIMARY KEY (response_id, step)
);

CREATE TABLE hazmat_readings (
    id           TEXT PRIMARY KEY,
    response_id  TEXT NOT NULL REFERENCES hazmat_responses(id),
    at           BIGINT NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    ppm          DOUBLE PRECISION NOT NULL,
    source       TEXT NOT NULL,
    reported_by  TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX hazmat_readings_response ON hazmat_readings(response_id, at);

CREATE TABLE cap_alerts (
    id           TEXT PRIMARY KEY,
    response_id  TEXT NOT NULL REFERENCES hazmat_responses(id),
    identifier   TEXT NOT NULL UNIQUE,
    msg_type     TEXT NOT NULL,
    sent_at      BIGINT NOT NULL,
    xml          TEXT NOT NULL
);
CREATE INDEX cap_alerts_response ON cap_alerts(response_id, sent_at);
