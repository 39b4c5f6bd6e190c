-- Nansen registry, PostgreSQL. Every table carries operation_id, and every primary key and unique
-- constraint includes it, so that the tables can be distributed by operation_id on Citus or YugabyteDB
-- without a redesign. Keys lead with the identifier that lookups use, which keeps one index per need.
-- Nothing is ever deleted: triggers refuse DELETE on records and any UPDATE/DELETE on the history.

CREATE TABLE operations (
    id          UUID PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    authority   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE households (
    operation_id      UUID NOT NULL REFERENCES operations(id),
    id                UUID NOT NULL,
    case_number       TEXT NOT NULL,
    registration_key  TEXT,
    version           BIGINT NOT NULL CHECK (version >= 1),
    data              JSONB NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    UNIQUE (case_number, operation_id),
    UNIQUE (operation_id, registration_key)
);

CREATE TABLE persons (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    household_id  UUID NOT NULL,
    relationship  TEXT NOT NULL,
    version       BIGINT NOT NULL CHECK (version >= 1),
    full_name     TEXT COLLATE "C" NOT NULL,
    data          JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    FOREIGN KEY (household_id, operation_id) REFERENCES households (id, operation_id)
);
CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_operation_name ON persons (operation_id, full_name);

CREATE TABLE person_terms (
    operation_id  UUID NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('name', 'doc')),
    term          TEXT COLLATE "C" NOT NULL,
    person_id     UUID NOT NULL,
    PRIMARY KEY (kind, term, person_id, operation_id)
);

CREATE TABLE events (
    operation_id  UUID NOT NULL,
    id            UUID NOT NULL,
    entity_kind   TEXT NOT NULL,
    entity_id     UUID NOT NULL,
    version       BIGINT NOT NULL,
    actor         TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    kind          TEXT NOT NULL,
    reason        TEXT,
    data          JSONB NOT NULL,
    PRIMARY KEY (id, operation_id),
    UNIQUE (entity_id, entity_kind, version, operation_id)
);

CREATE FUNCTION nansen_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: Nansen never deletes, and its history is append-only; record a correction as a new event', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER persons_never_deleted BEFORE DELETE ON persons FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER households_never_deleted BEFORE DELETE ON households FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER operations_never_deleted BEFORE DELETE ON operations FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
