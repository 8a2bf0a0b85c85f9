-- Vehicle and driver services (the seed's 15): an application, what happened to it step by
-- step (the progress the applicant follows), and plates held for pre-selection.

CREATE TABLE traffic_applications (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES org_units(id),
    applicant_id   TEXT NOT NULL REFERENCES users(id),
    service        TEXT NOT NULL,
    plate          TEXT,
    details        TEXT NOT NULL,
    materials      TEXT NOT NULL,
    address        TEXT,
    fee_fen        BIGINT NOT NULL,
    paid_at        BIGINT,
    status         TEXT NOT NULL,
    tracking_no    TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX traffic_applications_applicant ON traffic_applications(applicant_id, created_at);
CREATE INDEX traffic_applications_org ON traffic_applications(org_id, status, created_at);

CREATE TABLE traffic_application_steps (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES traffic_applications(id),
    status          TEXT NOT NULL,
    actor_id        TEXT NOT NULL REFERENCES users(id),
    note            TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX traffic_application_steps_app ON traffic_application_steps(application_id, at);

-- A plate number chosen in pre-selection is held for its application until `held_until`.
CREATE TABLE traffic_plate_holds (
    plate           TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES traffic_applications(id),
    held_until      BIGINT NOT NULL
);
