-- Each unit's last known position, out of the `units` row. The position writer moves it many
-- times a second per unit; in the `units` row, every such update conflicted with a dispatch
-- or status change of the same unit (PostgreSQL's serializable transactions then retried the
-- dispatch), and made the row the dispatch locks a hot spot.
CREATE TABLE unit_last_positions (
    unit_id      TEXT PRIMARY KEY REFERENCES units(id),
    lat          DOUBLE PRECISION NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    position_at  BIGINT NOT NULL
);
INSERT INTO unit_last_positions (unit_id, lat, lon, position_at)
    SELECT id, lat, lon, position_at FROM units
    WHERE lat IS NOT NULL AND lon IS NOT NULL AND position_at IS NOT NULL;
ALTER TABLE units DROP COLUMN lat;
ALTER TABLE units DROP COLUMN lon;
ALTER TABLE units DROP COLUMN position_at;
