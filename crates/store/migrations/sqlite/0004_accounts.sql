-- Accounts: users and their roles, sign-in sessions, API tokens, and the hash-chained access log.
-- Users are global (not per operation): on a distributed PostgreSQL they are a reference table.
-- Nothing is deleted: users are disabled, sessions and tokens revoked; the access log is append-only.

CREATE TABLE users (
    id                    BLOB PRIMARY KEY NOT NULL,
    username              TEXT NOT NULL UNIQUE,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    roles                 TEXT NOT NULL CHECK (json_valid(roles)),
    operations            TEXT NOT NULL CHECK (json_valid(operations)),
    totp_secret           TEXT,
    -- The State a third-party user (e.g. a host-State liaison) acts for: never shown data of people
    -- whose country of origin that State is.
    affiliation           TEXT,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          INTEGER,
    disabled              INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    version               INTEGER NOT NULL CHECK (version >= 1),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users(id),
    csrf         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    origin       TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Who read or changed what, when, from where, and why: reads of sensitive records, every write
-- request, sign-ins and account changes. Identifiers and metadata only, never personal data.
CREATE TABLE access_log (
    seq          INTEGER PRIMARY KEY NOT NULL,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    origin       TEXT NOT NULL,
    outcome      INTEGER NOT NULL,
    reason       TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'users are never deleted: disable the account'); END;
CREATE TRIGGER sessions_never_deleted BEFORE DELETE ON sessions
BEGIN SELECT RAISE(ABORT, 'sessions are never deleted: revoke them'); END;
CREATE TRIGGER api_tokens_never_deleted BEFORE DELETE ON api_tokens
BEGIN SELECT RAISE(ABORT, 'API tokens are never deleted: revoke them'); END;
CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
