-- The audit log as a transparency log (RFC 6962). A writer appends its entry, un-sequenced, to
-- audit_inbox in the same transaction as the change it records; one sequencer moves entries
-- from there into audit_log in commit order (sequence, hash chain), extends the Merkle tree and
-- signs checkpoints. Writers no longer wait for each other on audit_head.
CREATE TABLE audit_inbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at_us          BIGINT NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    org_path       TEXT NOT NULL,
    action         TEXT NOT NULL,
    object_type    TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    detail         TEXT NOT NULL,
    change_digest  TEXT NOT NULL
);

-- Hashes of the tree's perfect subtrees: level `level`, index `idx` covers the leaves
-- [idx * 2^level, (idx + 1) * 2^level) (leaf i is audit_log entry seq i + 1).
CREATE TABLE audit_tree (
    level  INTEGER NOT NULL,
    idx    BIGINT NOT NULL,
    hash   TEXT NOT NULL,
    PRIMARY KEY (level, idx)
);

-- How many entries the tree covers (entries written before this migration are added by the
-- sequencer's first runs).
ALTER TABLE audit_head ADD COLUMN tree_size BIGINT NOT NULL DEFAULT 0;

-- Signed tree heads, as signed (see jingwu_audit::checkpoint).
CREATE TABLE audit_checkpoints (
    tree_size   BIGINT PRIMARY KEY,
    root_hash   TEXT NOT NULL,
    timestamp   TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL
);

CREATE TRIGGER audit_tree_no_update BEFORE UPDATE ON audit_tree
BEGIN
    SELECT RAISE(ABORT, 'audit_tree is append-only');
END;
CREATE TRIGGER audit_tree_no_delete BEFORE DELETE ON audit_tree
BEGIN
    SELECT RAISE(ABORT, 'audit_tree is append-only');
END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
