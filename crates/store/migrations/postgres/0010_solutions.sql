-- Durable solutions: resettlement States' yearly quotas per operation, resettlement submissions,
-- and departures (resettlement and voluntary return). Same rules as the registry: operation_id in
-- every key, UUIDv7 identifiers, versions, nothing deleted; departures are never changed.

-- A State's places for refugees of one operation in one year (one row per operation, State, year).
CREATE TABLE resettlement_quotas (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    country       TEXT NOT NULL,
    year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    version       BIGINT NOT NULL CHECK (version >= 1),
    places        BIGINT NOT NULL CHECK (places >= 0),
    note          TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    UNIQUE (operation_id, country, year)
);

-- A submission of refugees to one State. `state` is the whole submission (sealed at rest: it holds
-- the State's reasons); `status`, `quota_year` and `places` repeat what the quota check reads.
CREATE TABLE resettlement_submissions (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    country       TEXT NOT NULL,
    version       BIGINT NOT NULL CHECK (version >= 1),
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected', 'withdrawn', 'departed')),
    quota_year    INTEGER,
    places        BIGINT NOT NULL CHECK (places >= 1),
    state         JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    CHECK ((status IN ('accepted', 'departed')) = (quota_year IS NOT NULL) OR status IN ('withdrawn'))
);
CREATE INDEX resettlement_submissions_id ON resettlement_submissions (id);
CREATE INDEX resettlement_submissions_queue ON resettlement_submissions (operation_id, status, created_at);
CREATE INDEX resettlement_submissions_quota ON resettlement_submissions (operation_id, country, quota_year, status);

-- The persons of each submission (to find a person's open submission).
CREATE TABLE resettlement_submission_persons (
    operation_id   UUID NOT NULL REFERENCES operations(id),
    submission_id  UUID NOT NULL,
    person_id      UUID NOT NULL,
    PRIMARY KEY (submission_id, person_id, operation_id),
    FOREIGN KEY (submission_id, operation_id) REFERENCES resettlement_submissions (id, operation_id),
    FOREIGN KEY (person_id, operation_id) REFERENCES persons (id, operation_id)
);
CREATE INDEX resettlement_submission_persons_person ON resettlement_submission_persons (person_id);

-- One row per person who left the operation through a durable solution: a person departs once.
CREATE TABLE departures (
    operation_id  UUID NOT NULL REFERENCES operations(id),
    id            UUID NOT NULL,
    person_id     UUID NOT NULL,
    solution      TEXT NOT NULL CHECK (solution IN ('resettlement', 'voluntary_repatriation')),
    source_id     UUID NOT NULL,
    destination   TEXT NOT NULL,
    departed_on   DATE NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, operation_id),
    UNIQUE (operation_id, person_id),
    FOREIGN KEY (person_id, operation_id) REFERENCES persons (id, operation_id)
);
CREATE INDEX departures_person ON departures (person_id);
CREATE INDEX departures_source ON departures (source_id);

CREATE TRIGGER resettlement_quotas_never_deleted BEFORE DELETE ON resettlement_quotas FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER resettlement_submissions_never_deleted BEFORE DELETE ON resettlement_submissions FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER resettlement_submission_persons_append_only BEFORE UPDATE OR DELETE ON resettlement_submission_persons FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER departures_append_only BEFORE UPDATE OR DELETE ON departures FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
