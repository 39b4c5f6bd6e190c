-- Case assignment. Inside an operation, a user whose account is set to "assigned cases only" sees
-- only the households (case groups) assigned to them: their persons, claims, removals and duplicate
-- pairs. An assignment is ended, never deleted; who assigned and ended it, when and why stay on the row.
-- The table carries its operation (sharding key), like every table of a case.

ALTER TABLE users ADD COLUMN assigned_only BIGINT NOT NULL DEFAULT 0 CHECK (assigned_only IN (0, 1));

CREATE TABLE case_assignments (
    id            UUID NOT NULL,
    operation_id  UUID NOT NULL REFERENCES operations(id),
    household_id  UUID NOT NULL,
    user_id       UUID NOT NULL REFERENCES users(id),
    assigned_at   BIGINT NOT NULL,
    assigned_by   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    ended_at      BIGINT,
    ended_by      TEXT,
    end_reason    TEXT,
    PRIMARY KEY (id, operation_id),
    FOREIGN KEY (household_id, operation_id) REFERENCES households (id, operation_id)
);
CREATE UNIQUE INDEX case_assignments_live ON case_assignments (user_id, household_id, operation_id) WHERE ended_at IS NULL;
CREATE INDEX case_assignments_household ON case_assignments (household_id, assigned_at);
