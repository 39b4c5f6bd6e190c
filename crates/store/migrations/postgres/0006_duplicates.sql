-- Proposed duplicates and merges. A merged person keeps its row, its history and its household;
-- `merged_into` points to the surviving record, and reads and searches lead there. Undoing a
-- merge clears it again. Nothing is deleted.
ALTER TABLE persons ADD COLUMN merged_into UUID;
ALTER TABLE persons ADD FOREIGN KEY (merged_into, operation_id) REFERENCES persons (id, operation_id);
CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;

-- One row per pair of persons (person_a < person_b), whatever found it; status moves
-- open → dismissed | confirmed → merged → (unmerge) open.
CREATE TABLE duplicate_candidates (
    id              UUID NOT NULL,
    operation_id    UUID NOT NULL REFERENCES operations(id),
    person_a        UUID NOT NULL,
    person_b        UUID NOT NULL,
    version         BIGINT NOT NULL CHECK (version >= 1),
    score           DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
    explanation     JSONB NOT NULL,
    found_by        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'dismissed', 'confirmed', 'merged')),
    survivor        UUID,
    decided_by      TEXT,
    decided_at      TIMESTAMPTZ,
    decision_reason TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    FOREIGN KEY (person_a, operation_id) REFERENCES persons (id, operation_id),
    FOREIGN KEY (person_b, operation_id) REFERENCES persons (id, operation_id),
    FOREIGN KEY (survivor, operation_id) REFERENCES persons (id, operation_id),
    CHECK (person_a < person_b),
    UNIQUE (operation_id, person_a, person_b)
);
CREATE INDEX duplicate_candidates_queue ON duplicate_candidates (operation_id, status, score DESC, id);
CREATE INDEX duplicate_candidates_id ON duplicate_candidates (id);
CREATE INDEX duplicate_candidates_a ON duplicate_candidates (person_a);
CREATE INDEX duplicate_candidates_b ON duplicate_candidates (person_b);
CREATE TRIGGER duplicate_candidates_never_deleted BEFORE DELETE ON duplicate_candidates FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
