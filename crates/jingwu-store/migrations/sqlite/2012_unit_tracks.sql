-- AVL history as track segments: one row per unit per write of the position writer, the
-- fixes encoded by jingwu_command::track (a row per fix was the ingest's whole cost). The
-- rows of unit_positions are folded into segments by the store after migrating
-- (jingwu_store::command::positions::fold_legacy_history), which then drops that table.
CREATE TABLE unit_tracks (
    id        INTEGER PRIMARY KEY,
    unit_id   TEXT NOT NULL,
    first_at  BIGINT NOT NULL,
    last_at   BIGINT NOT NULL,
    fixes     INTEGER NOT NULL,
    data      BLOB NOT NULL
);
CREATE INDEX unit_tracks_unit ON unit_tracks(unit_id, last_at);
CREATE INDEX unit_tracks_last_at ON unit_tracks(last_at);
