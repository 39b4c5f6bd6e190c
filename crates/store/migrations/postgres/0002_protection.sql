-- Claims, protection records, assessments and removal requests. Same rules as the registry:
-- operation_id in every key, nothing deleted, assessments and evaluations never changed.

CREATE TABLE claims (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    person_id     UUID NOT NULL,
    version       BIGINT NOT NULL CHECK (version >= 1),
    stage         TEXT NOT NULL,
    state         JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    FOREIGN KEY (person_id, operation_id) REFERENCES persons (id, operation_id)
);
CREATE INDEX claims_person ON claims (person_id, created_at);
CREATE INDEX claims_stage ON claims (operation_id, stage);

CREATE TABLE protection_records (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    person_id     UUID NOT NULL,
    version       BIGINT NOT NULL CHECK (version >= 1),
    data          JSONB NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, operation_id),
    FOREIGN KEY (person_id, operation_id) REFERENCES persons (id, operation_id)
);

CREATE TABLE assessments (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    claim_id      UUID NOT NULL,
    facts         JSONB NOT NULL,
    result        JSONB NOT NULL,
    actor         TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    FOREIGN KEY (claim_id, operation_id) REFERENCES claims (id, operation_id)
);
CREATE INDEX assessments_claim ON assessments (claim_id, created_at);

CREATE TABLE removal_requests (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    version       BIGINT NOT NULL CHECK (version >= 1),
    data          JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id)
);

CREATE TABLE removal_evaluations (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    request_id    UUID NOT NULL,
    person_id     UUID NOT NULL,
    phase         TEXT NOT NULL CHECK (phase IN ('request', 'execution')),
    allowed       BOOLEAN NOT NULL,
    verdict       JSONB NOT NULL,
    facts         JSONB NOT NULL,
    evaluated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    FOREIGN KEY (request_id, operation_id) REFERENCES removal_requests (id, operation_id)
);
CREATE INDEX removal_evaluations_request ON removal_evaluations (request_id, phase);
CREATE INDEX removal_evaluations_person ON removal_evaluations (person_id);

CREATE TRIGGER claims_never_deleted BEFORE DELETE ON claims FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER protection_never_deleted BEFORE DELETE ON protection_records FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER assessments_append_only BEFORE UPDATE OR DELETE ON assessments FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER removals_never_deleted BEFORE DELETE ON removal_requests FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER evaluations_append_only BEFORE UPDATE OR DELETE ON removal_evaluations FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();

-- Edited jurisdiction profiles (the shipped profiles come from the UN Treaty Collection record).
-- A reference table: small, replicated to every node on a distributed engine.
CREATE TABLE jurisdiction_profiles (
    country     TEXT PRIMARY KEY,
    version     BIGINT NOT NULL CHECK (version >= 1),
    data        JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
