-- Case assignment. Inside an operation, a user whose account is set to "assigned cases only" sees
-- only the households (case groups) assigned to them: their persons, claims, removals and duplicate
-- pairs. An assignment is ended, never deleted; who assigned and ended it, when and why stay on the row.

ALTER TABLE users ADD COLUMN assigned_only INTEGER NOT NULL DEFAULT 0 CHECK (assigned_only IN (0, 1));

CREATE TABLE case_assignments (
    id            BLOB PRIMARY KEY NOT NULL,
    operation_id  BLOB NOT NULL REFERENCES operations(id),
    household_id  BLOB NOT NULL REFERENCES households(id),
    user_id       BLOB NOT NULL REFERENCES users(id),
    assigned_at   INTEGER NOT NULL,
    assigned_by   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    ended_at      INTEGER,
    ended_by      TEXT,
    end_reason    TEXT
);
-- One live assignment of a case to a user; the lookup every request of an assigned-only user makes.
CREATE UNIQUE INDEX case_assignments_live ON case_assignments (user_id, household_id) WHERE ended_at IS NULL;
CREATE INDEX case_assignments_household ON case_assignments (household_id, assigned_at);
