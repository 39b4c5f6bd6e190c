-- The tamper-evident audit chain: one entry per history event, each entry's hash covering the
-- previous entry's hash, the event's identity and a hash of its data. `nansen audit verify` recomputes it.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY NOT NULL,
    event_id      BLOB NOT NULL UNIQUE,
    operation_id  BLOB NOT NULL,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity_kind   TEXT NOT NULL,
    entity_id     BLOB NOT NULL,
    version       INTEGER NOT NULL,
    data_hash     TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
