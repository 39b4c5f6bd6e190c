-- The tamper-evident audit chain: one entry per history event, each entry's hash covering the
-- previous entry's hash, the event's identity and a hash of its data. `nansen audit verify` recomputes it.
-- One chain per database (one writer); a sharded deployment keeps one chain per shard.
CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    event_id      UUID NOT NULL UNIQUE,
    operation_id  UUID NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity_kind   TEXT NOT NULL,
    entity_id     UUID NOT NULL,
    version       BIGINT NOT NULL,
    data_hash     TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
