-- 110 timers and overdue alerts, and inter-agency linkage (联动).

-- A bureau's own timer limits (seconds); an incident takes the row of the nearest org unit at
-- or above its owner, else the defaults of `jingwu_command::timers::TimerLimits`.
CREATE TABLE timer_limits (
    org_id            TEXT PRIMARY KEY REFERENCES org_units(id),
    acknowledge_s     BIGINT NOT NULL,
    arrival_p1_s      BIGINT NOT NULL,
    arrival_p2_s      BIGINT NOT NULL,
    arrival_p3_s      BIGINT NOT NULL,
    arrival_p4_s      BIGINT NOT NULL,
    on_scene_s        BIGINT NOT NULL,
    handover_s        BIGINT NOT NULL,
    escalate_after_s  BIGINT NOT NULL,
    updated_by        TEXT NOT NULL,
    updated_at        BIGINT NOT NULL
);

-- One alert per timer breach and level: the unique key makes raising it idempotent across nodes.
CREATE TABLE timer_alerts (
    id               TEXT PRIMARY KEY,
    incident_id      TEXT NOT NULL REFERENCES incidents(id),
    kind             TEXT NOT NULL,
    subject          TEXT NOT NULL,
    level            TEXT NOT NULL,
    org_id           TEXT NOT NULL REFERENCES org_units(id),
    due_at           BIGINT NOT NULL,
    raised_at        BIGINT NOT NULL,
    acknowledged_at  BIGINT,
    acknowledged_by  TEXT,
    UNIQUE (incident_id, kind, subject, level)
);
CREATE INDEX timer_alerts_org ON timer_alerts(org_id, raised_at);

-- Linked agencies: 119 fire, 120 ambulance, traffic police, city departments. The secret
-- signs both directions (HMAC-SHA256) and is never returned or audited.
CREATE TABLE linkage_agencies (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    endpoint_url  TEXT NOT NULL,
    secret        TEXT NOT NULL,
    enabled       BIGINT NOT NULL,
    org_id        TEXT NOT NULL REFERENCES org_units(id),
    created_at    BIGINT NOT NULL
);

-- The outbound queue: written in the notifying transaction, delivered by the linkage job.
CREATE TABLE linkage_messages (
    id               TEXT PRIMARY KEY,
    incident_id      TEXT NOT NULL REFERENCES incidents(id),
    agency_id        TEXT NOT NULL REFERENCES linkage_agencies(id),
    status           TEXT NOT NULL,
    body             TEXT NOT NULL,
    note             TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT,
    acknowledged_at  BIGINT
);
CREATE INDEX linkage_messages_due ON linkage_messages(status, next_attempt_at);
CREATE INDEX linkage_messages_incident ON linkage_messages(incident_id, created_at);

-- Inbound message ids seen per agency (replay protection).
CREATE TABLE linkage_inbound (
    agency_id    TEXT NOT NULL REFERENCES linkage_agencies(id),
    message_id   TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (agency_id, message_id)
);
