-- Scene media (现场影像): resumable uploads from terminals, content-addressed objects (the
-- bytes live in the blob store, named by their SHA-256), and their links to incidents.

-- One resumable upload. `received_bytes` is how far the part file is known good; `org_path`
-- is the owning org of the incident at the time (for scoped listings).
CREATE TABLE media_uploads (
    id              TEXT PRIMARY KEY,
    incident_id     TEXT NOT NULL REFERENCES incidents(id),
    unit_id         TEXT REFERENCES units(id),
    uploader_id     TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    total_size      BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    chunk_size      BIGINT NOT NULL,
    received_bytes  BIGINT NOT NULL,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    completed_at    BIGINT,
    org_path        TEXT NOT NULL
);
CREATE INDEX media_uploads_incident ON media_uploads(incident_id);
CREATE INDEX media_uploads_status ON media_uploads(status, created_at);

-- Verified content, stored once however often it is uploaded.
CREATE TABLE media_objects (
    sha256        TEXT PRIMARY KEY,
    size          BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    stored_at     BIGINT NOT NULL
);

-- Which incident shows which content (photo or video); linked once per incident.
CREATE TABLE incident_media (
    incident_id  TEXT NOT NULL REFERENCES incidents(id),
    sha256       TEXT NOT NULL REFERENCES media_objects(sha256),
    upload_id    TEXT NOT NULL REFERENCES media_uploads(id),
    kind         TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (incident_id, sha256)
);
CREATE INDEX incident_media_sha256 ON incident_media(sha256);
