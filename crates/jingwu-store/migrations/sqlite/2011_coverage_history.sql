-- Coverage over time (issue 10, capability 6): the coverage job's periodic samples of the
-- city's and each district's 1/3/5-minute road coverage (share of the area's road length
-- reached within 60, 180 and 300 s), one row per org unit and sampling slot. A slot is
-- written once however many nodes sample it; rows older than the retention are pruned by
-- the same job.
-- Kept column-for-column identical to the other backend (checked by the parity test).

CREATE TABLE coverage_samples (
    org_id         TEXT NOT NULL REFERENCES org_units(id),
    at_us          BIGINT NOT NULL,
    share_60       DOUBLE PRECISION NOT NULL,
    share_180      DOUBLE PRECISION NOT NULL,
    share_300      DOUBLE PRECISION NOT NULL,
    units_counted  BIGINT NOT NULL,
    PRIMARY KEY (org_id, at_us)
);

CREATE INDEX coverage_samples_at ON coverage_samples(at_us);
