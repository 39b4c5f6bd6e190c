-- Nansen registry, SQLite. Every table carries operation_id (the shard key on distributed PostgreSQL).
-- Identifiers are UUIDv7 stored as 16-byte blobs. Nothing is ever deleted: triggers refuse DELETE on
-- records and any UPDATE/DELETE on the history.

CREATE TABLE operations (
    id          BLOB PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    authority   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE households (
    id                BLOB PRIMARY KEY NOT NULL,
    operation_id      BLOB NOT NULL REFERENCES operations(id),
    case_number       TEXT NOT NULL,
    registration_key  TEXT,
    version           INTEGER NOT NULL CHECK (version >= 1),
    data              TEXT NOT NULL CHECK (json_valid(data)),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (case_number, operation_id),
    UNIQUE (operation_id, registration_key)
);

CREATE TABLE persons (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    household_id  BLOB NOT NULL REFERENCES households(id),
    relationship  TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    full_name     TEXT NOT NULL,
    data          TEXT NOT NULL CHECK (json_valid(data)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_operation_name ON persons (operation_id, full_name);

-- Derived search index: folded name words (both scripts) and normalised document numbers.
CREATE TABLE person_terms (
    term          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('name', 'doc')),
    person_id     BLOB NOT NULL,
    operation_id  BLOB NOT NULL,
    PRIMARY KEY (kind, term, person_id)
) WITHOUT ROWID;

CREATE TABLE events (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL,
    entity_kind   TEXT NOT NULL,
    entity_id     BLOB NOT NULL,
    version       INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    at            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    reason        TEXT,
    data          TEXT NOT NULL CHECK (json_valid(data)),
    UNIQUE (entity_id, entity_kind, version)
);

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction as a new event'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction as a new event'); END;
CREATE TRIGGER persons_never_deleted BEFORE DELETE ON persons
BEGIN SELECT RAISE(ABORT, 'persons are never deleted'); END;
CREATE TRIGGER households_never_deleted BEFORE DELETE ON households
BEGIN SELECT RAISE(ABORT, 'households are never deleted'); END;
CREATE TRIGGER operations_never_deleted BEFORE DELETE ON operations
BEGIN SELECT RAISE(ABORT, 'operations are never deleted'); END;
