-- The incident lifecycle (issue 10, capability 3).
--
-- A unit may be sent to an incident it was withdrawn from: each dispatch is a new assignment
-- (attempt 1, 2, …), the earlier ones stay as history.
ALTER TABLE assignments ADD COLUMN attempt BIGINT NOT NULL DEFAULT 1;
ALTER TABLE assignments DROP CONSTRAINT assignments_pkey;
ALTER TABLE assignments ADD PRIMARY KEY (incident_id, unit_id, attempt);

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
