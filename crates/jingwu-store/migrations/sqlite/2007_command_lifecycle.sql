-- The incident lifecycle (issue 10, capability 3).
--
-- A unit may be sent to an incident it was withdrawn from: each dispatch is a new assignment
-- (attempt 1, 2, …), the earlier ones stay as history. SQLite cannot change a primary key in
-- place, so the table is rebuilt with the same columns plus `attempt` at the end.
CREATE TABLE assignments_new (
    incident_id      TEXT NOT NULL REFERENCES incidents(id),
    unit_id          TEXT NOT NULL REFERENCES units(id),
    status           TEXT NOT NULL,
    eta_secs         BIGINT,
    dispatched_at    BIGINT NOT NULL,
    acknowledged_at  BIGINT,
    en_route_at      BIGINT,
    on_scene_at      BIGINT,
    cleared_at       BIGINT,
    attempt          BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (incident_id, unit_id, attempt)
);
INSERT INTO assignments_new (incident_id, unit_id, status, eta_secs, dispatched_at,
    acknowledged_at, en_route_at, on_scene_at, cleared_at, attempt)
SELECT incident_id, unit_id, status, eta_secs, dispatched_at, acknowledged_at, en_route_at,
    on_scene_at, cleared_at, 1 FROM assignments;
DROP TABLE assignments;
ALTER TABLE assignments_new RENAME TO assignments;
CREATE INDEX assignments_unit ON assignments(unit_id, dispatched_at);

-- A hand-over waits for the receiving room to sign for it (签收): the room it came from and
-- when, both NULL once signed for (or never handed over).
ALTER TABLE incidents ADD COLUMN handover_from TEXT;
ALTER TABLE incidents ADD COLUMN handover_at BIGINT;

-- Caller history at intake looks incidents up by the caller's line: the number's digits
-- (`jingwu_command::duplicates::phone_key`, set at intake); earlier rows get their number
-- without spaces, dashes and plus signs.
ALTER TABLE incidents ADD COLUMN caller_key TEXT NOT NULL DEFAULT '';
UPDATE incidents SET caller_key = REPLACE(REPLACE(REPLACE(caller_phone, ' ', ''), '-', ''), '+', '');
CREATE INDEX incidents_caller_key ON incidents(caller_key, created_at);
