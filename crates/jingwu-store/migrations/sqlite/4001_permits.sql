-- The approval window: the item catalogue, offices with their windows and schedules, slots
-- with their capacity, appointments and their reminders, the queue's tickets, and online
-- applications with their progress and material files.

-- Bureau-wide catalogue. `materials` and `forms` are JSON (jingwu-permits' catalogue).
CREATE TABLE permit_items (
    code              TEXT PRIMARY KEY,
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    department        TEXT NOT NULL,
    legal_basis       TEXT NOT NULL,
    materials         TEXT NOT NULL,
    fee_fen           BIGINT NOT NULL,
    time_limit_days   INTEGER NOT NULL,
    online            INTEGER NOT NULL,
    appointment       INTEGER NOT NULL,
    self_service      INTEGER NOT NULL,
    mailed            INTEGER NOT NULL,
    refund_on_reject  INTEGER NOT NULL,
    prefix            TEXT NOT NULL,
    forms             TEXT NOT NULL,
    retired           INTEGER NOT NULL,
    updated_at        BIGINT NOT NULL
);

-- Public holidays and make-up working days (the working-day calendar).
CREATE TABLE permit_holidays (
    day   TEXT PRIMARY KEY,
    kind  TEXT NOT NULL,
    name  TEXT NOT NULL
);

-- `week` is the JSON week plan; the booking window is per office.
CREATE TABLE permit_offices (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES org_units(id),
    name               TEXT NOT NULL,
    address            TEXT NOT NULL,
    week               TEXT NOT NULL,
    open_on_holidays   INTEGER NOT NULL,
    slot_minutes       INTEGER NOT NULL,
    slot_capacity      INTEGER NOT NULL,
    green_reserved     INTEGER NOT NULL,
    min_notice_minutes INTEGER NOT NULL,
    horizon_days       INTEGER NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE INDEX permit_offices_org ON permit_offices(org_id);

-- Dated exceptions to an office's week: other hours (`plan` JSON) or closed (`plan` NULL).
CREATE TABLE permit_office_exceptions (
    office_id  TEXT NOT NULL REFERENCES permit_offices(id),
    day        TEXT NOT NULL,
    plan       TEXT,
    reason     TEXT NOT NULL,
    PRIMARY KEY (office_id, day)
);

-- `items` is the work profile: item codes in order, comma-separated.
CREATE TABLE permit_windows (
    id         TEXT PRIMARY KEY,
    office_id  TEXT NOT NULL REFERENCES permit_offices(id),
    number     TEXT NOT NULL,
    items      TEXT NOT NULL,
    open       INTEGER NOT NULL,
    UNIQUE (office_id, number)
);

-- One row per slot, made when first booked. The capacity rule lives in the conditional
-- updates of the booking transaction (booked < capacity - green_reserved; booked_green <
-- green_reserved); the checks keep any other writer honest.
CREATE TABLE permit_slots (
    office_id       TEXT NOT NULL REFERENCES permit_offices(id),
    starts_at       BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL,
    capacity        INTEGER NOT NULL,
    green_reserved  INTEGER NOT NULL,
    booked          INTEGER NOT NULL,
    booked_green    INTEGER NOT NULL,
    PRIMARY KEY (office_id, starts_at),
    CHECK (booked >= 0 AND booked_green >= 0 AND booked_green <= green_reserved
           AND booked <= capacity - green_reserved)
);

CREATE TABLE permit_appointments (
    id               TEXT PRIMARY KEY,
    office_id        TEXT NOT NULL REFERENCES permit_offices(id),
    item_code        TEXT NOT NULL REFERENCES permit_items(code),
    slot_start       BIGINT NOT NULL,
    slot_end         BIGINT NOT NULL,
    pool             TEXT NOT NULL,
    green            INTEGER NOT NULL,
    channel          TEXT NOT NULL,
    status           TEXT NOT NULL,
    applicant_id     TEXT REFERENCES users(id),
    name             TEXT NOT NULL,
    resident_id      TEXT NOT NULL,
    mobile           TEXT NOT NULL,
    application_id   TEXT,
    booked_by        TEXT NOT NULL REFERENCES users(id),
    hold_expires_at  BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX permit_appointments_slot ON permit_appointments(office_id, slot_start);
CREATE INDEX permit_appointments_person ON permit_appointments(resident_id, status);
CREATE INDEX permit_appointments_applicant ON permit_appointments(applicant_id, slot_start);
CREATE INDEX permit_appointments_holds ON permit_appointments(status, hold_expires_at);
-- One live appointment per person and item: a second booking while one is held or booked is
-- refused by the database, however the requests interleave.
CREATE UNIQUE INDEX permit_appointments_live ON permit_appointments(resident_id, item_code)
    WHERE status IN ('held', 'booked');

-- A booking request's client key: a retry with the same key returns the first answer.
CREATE TABLE permit_booking_keys (
    booked_by       TEXT NOT NULL REFERENCES users(id),
    client_key      TEXT NOT NULL,
    request         TEXT NOT NULL,
    appointment_id  TEXT NOT NULL REFERENCES permit_appointments(id),
    PRIMARY KEY (booked_by, client_key)
);

-- The reminder outbox, written in the booking's transaction; a reminder is sent once
-- (`sent_at` set by a conditional update with its notification).
CREATE TABLE permit_reminders (
    appointment_id  TEXT NOT NULL REFERENCES permit_appointments(id),
    kind            TEXT NOT NULL,
    due_at          BIGINT NOT NULL,
    sent_at         BIGINT,
    cancelled_at    BIGINT,
    PRIMARY KEY (appointment_id, kind)
);
CREATE INDEX permit_reminders_due ON permit_reminders(due_at);

-- A day's ticket numbers per office and prefix.
CREATE TABLE permit_ticket_numbers (
    office_id  TEXT NOT NULL REFERENCES permit_offices(id),
    day        TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (office_id, day, prefix)
);

CREATE TABLE permit_tickets (
    id              TEXT PRIMARY KEY,
    office_id       TEXT NOT NULL REFERENCES permit_offices(id),
    day             TEXT NOT NULL,
    number          TEXT NOT NULL,
    item_code       TEXT NOT NULL REFERENCES permit_items(code),
    priority        TEXT NOT NULL,
    state           TEXT NOT NULL,
    appointment_id  TEXT UNIQUE REFERENCES permit_appointments(id),
    window_id       TEXT REFERENCES permit_windows(id),
    name            TEXT NOT NULL,
    recalls         INTEGER NOT NULL,
    checked_in_at   BIGINT NOT NULL,
    called_at       BIGINT,
    serving_at      BIGINT,
    done_at         BIGINT,
    UNIQUE (office_id, day, number)
);
CREATE INDEX permit_tickets_queue ON permit_tickets(office_id, state, checked_in_at);

CREATE TABLE permit_applications (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES org_units(id),
    office_id     TEXT NOT NULL REFERENCES permit_offices(id),
    item_code     TEXT NOT NULL REFERENCES permit_items(code),
    applicant_id  TEXT NOT NULL REFERENCES users(id),
    details       TEXT NOT NULL,
    status        TEXT NOT NULL,
    fee_fen       BIGINT NOT NULL,
    paid_at       BIGINT,
    refunded_at   BIGINT,
    address       TEXT,
    submitted_at  BIGINT,
    accepted_on   TEXT,
    deadline      TEXT,
    approved_on   TEXT,
    mailed_on     TEXT,
    tracking_no   TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX permit_applications_applicant ON permit_applications(applicant_id, created_at);
CREATE INDEX permit_applications_org ON permit_applications(org_id, status, deadline);

CREATE TABLE permit_application_steps (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES permit_applications(id),
    status          TEXT NOT NULL,
    actor_id        TEXT NOT NULL REFERENCES users(id),
    note            TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX permit_application_steps_app ON permit_application_steps(application_id, at);

-- A material file per required document (replaced by a new upload of the same code).
CREATE TABLE permit_materials (
    application_id  TEXT NOT NULL REFERENCES permit_applications(id),
    code            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    uploaded_at     BIGINT NOT NULL,
    PRIMARY KEY (application_id, code)
);

-- Portal visits and online progress queries per day (the seed counts both); unaudited
-- telemetry.
CREATE TABLE permit_counters (
    day    TEXT NOT NULL,
    kind   TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (day, kind)
);
