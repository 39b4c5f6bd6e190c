-- Proposed duplicates and merges. A merged person keeps its row, its history and its household;
-- `merged_into` points to the surviving record, and reads and searches lead there. Undoing a
-- merge clears it again. Nothing is deleted.
ALTER TABLE persons ADD COLUMN merged_into BLOB REFERENCES persons(id);
CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;

-- One row per pair of persons (person_a < person_b), whatever found it; status moves
-- open → dismissed | confirmed → merged → (unmerge) open.
CREATE TABLE duplicate_candidates (
    id              BLOB PRIMARY KEY NOT NULL,
    operation_id    BLOB NOT NULL REFERENCES operations(id),
    person_a        BLOB NOT NULL REFERENCES persons(id),
    person_b        BLOB NOT NULL REFERENCES persons(id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    score           REAL NOT NULL CHECK (score >= 0 AND score <= 1),
    explanation     TEXT NOT NULL CHECK (json_valid(explanation)),
    found_by        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'dismissed', 'confirmed', 'merged')),
    survivor        BLOB REFERENCES persons(id),
    decided_by      TEXT,
    decided_at      TEXT,
    decision_reason TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (person_a < person_b),
    UNIQUE (operation_id, person_a, person_b)
);
CREATE INDEX duplicate_candidates_queue ON duplicate_candidates (operation_id, status, score DESC, id);
CREATE INDEX duplicate_candidates_a ON duplicate_candidates (person_a);
CREATE INDEX duplicate_candidates_b ON duplicate_candidates (person_b);
CREATE TRIGGER duplicate_candidates_never_deleted BEFORE DELETE ON duplicate_candidates
BEGIN SELECT RAISE(ABORT, 'proposed duplicates are never deleted'); END;
