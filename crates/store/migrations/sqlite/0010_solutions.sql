-- Durable solutions: resettlement States' yearly quotas per operation, resettlement submissions,
-- and departures (resettlement and voluntary return). Same rules as the registry: operation_id
-- everywhere, UUIDv7 identifiers, versions, nothing deleted; departures are never changed.

-- A State's places for refugees of one operation in one year (one row per operation, State, year).
CREATE TABLE resettlement_quotas (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    country       TEXT NOT NULL,
    year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    version       INTEGER NOT NULL CHECK (version >= 1),
    places        INTEGER NOT NULL CHECK (places >= 0),
    note          TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (operation_id, country, year)
);

-- A submission of refugees to one State. `state` is the whole submission (sealed at rest: it holds
-- the State's reasons); `status`, `quota_year` and `places` repeat what the quota check reads.
CREATE TABLE resettlement_submissions (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    country       TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected', 'withdrawn', 'departed')),
    quota_year    INTEGER,
    places        INTEGER NOT NULL CHECK (places >= 1),
    state         TEXT NOT NULL CHECK (json_valid(state)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((status IN ('accepted', 'departed')) = (quota_year IS NOT NULL) OR status IN ('withdrawn'))
);
CREATE INDEX resettlement_submissions_queue ON resettlement_submissions (operation_id, status, created_at);
CREATE INDEX resettlement_submissions_quota ON resettlement_submissions (operation_id, country, quota_year, status);

-- The persons of each submission (to find a person's open submission).
CREATE TABLE resettlement_submission_persons (
    operation_id   BLOB NOT NULL REFERENCES operations(id),
    submission_id  BLOB NOT NULL REFERENCES resettlement_submissions(id),
    person_id      BLOB NOT NULL REFERENCES persons(id),
    PRIMARY KEY (submission_id, person_id)
);
CREATE INDEX resettlement_submission_persons_person ON resettlement_submission_persons (person_id);

-- One row per person who left the operation through a durable solution: a person departs once.
CREATE TABLE departures (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    person_id     BLOB NOT NULL REFERENCES persons(id),
    solution      TEXT NOT NULL CHECK (solution IN ('resettlement', 'voluntary_repatriation')),
    source_id     BLOB NOT NULL,
    destination   TEXT NOT NULL,
    departed_on   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    UNIQUE (operation_id, person_id)
);
CREATE INDEX departures_source ON departures (source_id);

CREATE TRIGGER resettlement_quotas_never_deleted BEFORE DELETE ON resettlement_quotas
BEGIN SELECT RAISE(ABORT, 'resettlement quotas are never deleted: set the places to 0 instead'); END;
CREATE TRIGGER resettlement_submissions_never_deleted BEFORE DELETE ON resettlement_submissions
BEGIN SELECT RAISE(ABORT, 'resettlement submissions are never deleted: withdraw them instead'); END;
CREATE TRIGGER resettlement_submission_persons_append_only_update BEFORE UPDATE ON resettlement_submission_persons
BEGIN SELECT RAISE(ABORT, 'the persons of a submission are never changed: make a new submission'); END;
CREATE TRIGGER resettlement_submission_persons_append_only_delete BEFORE DELETE ON resettlement_submission_persons
BEGIN SELECT RAISE(ABORT, 'the persons of a submission are never deleted'); END;
CREATE TRIGGER departures_append_only_update BEFORE UPDATE ON departures
BEGIN SELECT RAISE(ABORT, 'departures are never changed'); END;
CREATE TRIGGER departures_append_only_delete BEFORE DELETE ON departures
BEGIN SELECT RAISE(ABORT, 'departures are never deleted'); END;
