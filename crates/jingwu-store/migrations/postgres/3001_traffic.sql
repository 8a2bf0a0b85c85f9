-- Traffic-police online services: citizens (real name, resident ID, mobile), one-time codes and
-- the notification outbox, the licence and vehicle registries, violations and their penalty
-- decisions, point reductions and vouchers, study quizzes, payment channels and orders.
-- Dates a rule counts in (first issue, service, deadline) are Asia/Shanghai calendar dates as
-- YYYY-MM-DD text; instants are microseconds; money is fen.

-- A citizen account (users.role = 'citizen') with its verified identity. Licences, vehicles
-- and violations are the bureau's records, keyed by resident ID; a citizen sees those whose
-- resident ID is its own.
CREATE TABLE traffic_citizens (
    user_id      TEXT PRIMARY KEY REFERENCES users(id),
    real_name    TEXT NOT NULL,
    resident_id  TEXT NOT NULL UNIQUE,
    mobile       TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);

-- One-time codes sent to a mobile number; only their SHA-256 is kept.
CREATE TABLE traffic_otp_codes (
    id          TEXT PRIMARY KEY,
    mobile      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    attempts    BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX traffic_otp_mobile ON traffic_otp_codes(mobile, created_at);

-- Messages for citizens as the built-in notifier leaves them (an SMS gateway drains it).
CREATE TABLE notification_outbox (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE INDEX notification_outbox_recipient ON notification_outbox(recipient, created_at);

CREATE TABLE traffic_licences (
    id                     TEXT PRIMARY KEY,
    org_id                 TEXT NOT NULL REFERENCES org_units(id),
    resident_id            TEXT NOT NULL UNIQUE,
    holder_name            TEXT NOT NULL,
    class                  TEXT NOT NULL,
    first_issued_on        TEXT NOT NULL,
    expires_on             TEXT NOT NULL,
    status                 TEXT NOT NULL,
    full_score_cleared_on  TEXT,
    full_score_count       BIGINT NOT NULL,
    created_at             BIGINT NOT NULL
);
CREATE INDEX traffic_licences_org ON traffic_licences(org_id);

CREATE TABLE traffic_vehicles (
    id                  TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL REFERENCES org_units(id),
    plate               TEXT NOT NULL UNIQUE,
    owner_resident_id   TEXT NOT NULL,
    owner_name          TEXT NOT NULL,
    model               TEXT NOT NULL,
    inspection_due_on   TEXT NOT NULL,
    status              TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX traffic_vehicles_owner ON traffic_vehicles(owner_resident_id);
CREATE INDEX traffic_vehicles_org ON traffic_vehicles(org_id);

-- A violation as recorded (camera or officer) and, once the driver accepts it, its penalty
-- decision: the licence it is scored on, the date served, the payment deadline. A violation is
-- decided at most once (the conditional update from 'pending').
CREATE TABLE traffic_violations (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES org_units(id),
    plate          TEXT NOT NULL,
    code           TEXT NOT NULL,
    points         BIGINT NOT NULL,
    fine_fen       BIGINT NOT NULL,
    place          TEXT NOT NULL,
    lat            DOUBLE PRECISION NOT NULL,
    lon            DOUBLE PRECISION NOT NULL,
    occurred_at    BIGINT NOT NULL,
    source         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    status         TEXT NOT NULL,
    licence_id     TEXT REFERENCES traffic_licences(id),
    decision_no    TEXT UNIQUE,
    decided_at     BIGINT,
    served_on      TEXT,
    deadline_on    TEXT,
    paid_at        BIGINT,
    paid_on        TEXT,
    revoked_at     BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX traffic_violations_plate ON traffic_violations(plate, occurred_at);
CREATE INDEX traffic_violations_licence ON traffic_violations(licence_id);
CREATE INDEX traffic_violations_org ON traffic_violations(org_id, status);

-- Points taken off a licence, by study, public-welfare work or an applied voucher.
CREATE TABLE traffic_reductions (
    id            TEXT PRIMARY KEY,
    licence_id    TEXT NOT NULL REFERENCES traffic_licences(id),
    points        BIGINT NOT NULL,
    method        TEXT NOT NULL,
    profile       TEXT NOT NULL,
    granted_on    TEXT NOT NULL,
    granted_at    BIGINT NOT NULL,
    violation_id  TEXT REFERENCES traffic_violations(id),
    source_id     TEXT UNIQUE
);
CREATE INDEX traffic_reductions_licence ON traffic_reductions(licence_id);

-- Vouchers of the ningbo2016 profile: issued by a passed quiz, applied once to a decision.
CREATE TABLE traffic_vouchers (
    id            TEXT PRIMARY KEY,
    licence_id    TEXT NOT NULL REFERENCES traffic_licences(id),
    value         BIGINT NOT NULL,
    cycle_index   BIGINT NOT NULL,
    quiz_id       TEXT NOT NULL UNIQUE,
    issued_at     BIGINT NOT NULL,
    applied_to    TEXT REFERENCES traffic_violations(id),
    applied_at    BIGINT
);
CREATE INDEX traffic_vouchers_licence ON traffic_vouchers(licence_id);

-- A timed study quiz: the questions drawn, the answers given, the outcome.
CREATE TABLE traffic_quizzes (
    id            TEXT PRIMARY KEY,
    licence_id    TEXT NOT NULL REFERENCES traffic_licences(id),
    question_ids  TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    submitted_at  BIGINT,
    score         BIGINT,
    passed        BIGINT
);
CREATE INDEX traffic_quizzes_licence ON traffic_quizzes(licence_id);

-- Payment channels: the sandbox's key pairs live here (created on first start); a real
-- channel's merchant key comes from configuration and only its public half is kept.
CREATE TABLE payment_channels (
    code                   TEXT PRIMARY KEY,
    app_id                 TEXT NOT NULL,
    merchant_public_pem    TEXT NOT NULL,
    merchant_private_pem   TEXT,
    channel_public_pem     TEXT NOT NULL,
    channel_private_pem    TEXT,
    created_at             BIGINT NOT NULL
);

-- An order to pay a fine with its late fee as computed when the order was made; it expires
-- before the surcharge changes. `trade_no` is the channel's transaction id once paid.
CREATE TABLE payment_orders (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES org_units(id),
    channel         TEXT NOT NULL REFERENCES payment_channels(code),
    subject_kind    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    payer_id        TEXT NOT NULL REFERENCES users(id),
    fine_fen        BIGINT NOT NULL,
    surcharge_fen   BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    trade_no        TEXT UNIQUE,
    paid_at         BIGINT,
    settled_at      BIGINT
);
CREATE INDEX payment_orders_subject ON payment_orders(subject_kind, subject_id);
CREATE INDEX payment_orders_status ON payment_orders(status, created_at);
