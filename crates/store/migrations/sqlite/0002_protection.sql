-- Claims, protection records, assessments and removal requests. Same rules as the registry:
-- operation_id everywhere, nothing deleted, assessments and evaluations never changed.

CREATE TABLE claims (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    person_id     BLOB NOT NULL REFERENCES persons(id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    stage         TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (json_valid(state)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX claims_person ON claims (person_id, created_at);
CREATE INDEX claims_stage ON claims (operation_id, stage);

CREATE TABLE protection_records (
    person_id     BLOB PRIMARY KEY NOT NULL REFERENCES persons(id),
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    data          TEXT NOT NULL CHECK (json_valid(data)),
    updated_at    TEXT NOT NULL
);

CREATE TABLE assessments (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    claim_id      BLOB NOT NULL REFERENCES claims(id),
    facts         TEXT NOT NULL CHECK (json_valid(facts)),
    result        TEXT NOT NULL CHECK (json_valid(result)),
    actor         TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX assessments_claim ON assessments (claim_id, created_at);

CREATE TABLE removal_requests (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    data          TEXT NOT NULL CHECK (json_valid(data)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE removal_evaluations (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    request_id    BLOB NOT NULL REFERENCES removal_requests(id),
    person_id     BLOB NOT NULL,
    phase         TEXT NOT NULL CHECK (phase IN ('request', 'execution')),
    allowed       INTEGER NOT NULL CHECK (allowed IN (0, 1)),
    verdict       TEXT NOT NULL CHECK (json_valid(verdict)),
    facts         TEXT NOT NULL CHECK (json_valid(facts)),
    evaluated_at  TEXT NOT NULL
);
CREATE INDEX removal_evaluations_request ON removal_evaluations (request_id, phase);
CREATE INDEX removal_evaluations_person ON removal_evaluations (person_id);

CREATE TRIGGER claims_never_deleted BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are never deleted'); END;
CREATE TRIGGER protection_never_deleted BEFORE DELETE ON protection_records
BEGIN SELECT RAISE(ABORT, 'protection records are never deleted'); END;
CREATE TRIGGER assessments_append_only_update BEFORE UPDATE ON assessments
BEGIN SELECT RAISE(ABORT, 'assessments are never changed: record a new one'); END;
CREATE TRIGGER assessments_append_only_delete BEFORE DELETE ON assessments
BEGIN SELECT RAISE(ABORT, 'assessments are never deleted'); END;
CREATE TRIGGER removals_never_deleted BEFORE DELETE ON removal_requests
BEGIN SELECT RAISE(ABORT, 'removal requests are never deleted'); END;
CREATE TRIGGER evaluations_append_only_update BEFORE UPDATE ON removal_evaluations
BEGIN SELECT RAISE(ABORT, 'guard evaluations are never changed'); END;
CREATE TRIGGER evaluations_append_only_delete BEFORE DELETE ON removal_evaluations
BEGIN SELECT RAISE(ABORT, 'guard evaluations are never deleted'); END;

-- Edited jurisdiction profiles (the shipped profiles come from the UN Treaty Collection record).
CREATE TABLE jurisdiction_profiles (
    country     TEXT PRIMARY KEY NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    data        TEXT NOT NULL CHECK (json_valid(data)),
    updated_at  TEXT NOT NULL
);
