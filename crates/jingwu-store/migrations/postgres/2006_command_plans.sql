-- Response plans (预案, run cards): what to send to an incident of a category (and optionally
-- a sub-category and a priority) owned in the plan's org subtree. '' in subcategory or
-- priority means "every one", so that the unique key also holds for the general plans
-- (NULLs would never collide): one plan per org unit and incident type.
-- slots: JSON array of {kind, count, equipment}; agencies: JSON array of agency codes.
CREATE TABLE response_plans (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES org_units(id),
    name         TEXT NOT NULL,
    category     TEXT NOT NULL,
    subcategory  TEXT NOT NULL,
    priority     TEXT NOT NULL,
    slots        TEXT NOT NULL,
    agencies     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (org_id, category, subcategory, priority)
);
