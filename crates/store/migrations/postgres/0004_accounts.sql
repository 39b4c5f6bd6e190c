-- Accounts: users and their roles, sign-in sessions, API tokens, and the hash-chained access log.
-- Users are global (not per operation): on Citus they are reference tables (create_reference_table).
-- Nothing is deleted: users are disabled, sessions and tokens revoked; the access log is append-only.
-- JSON lists are kept as TEXT holding JSON so that both backends bind the same values.

CREATE TABLE users (
    id                    UUID PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    roles                 TEXT NOT NULL CHECK (roles::jsonb IS NOT NULL),
    operations            TEXT NOT NULL CHECK (operations::jsonb IS NOT NULL),
    totp_secret           TEXT,
    -- The State a third-party user (e.g. a host-State liaison) acts for: never shown data of people
    -- whose country of origin that State is.
    affiliation           TEXT,
    failed_logins         BIGINT NOT NULL DEFAULT 0,
    locked_until          BIGINT,
    disabled              BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    version               BIGINT NOT NULL CHECK (version >= 1),
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users(id),
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    origin       TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Who read or changed what, when, from where, and why: reads of sensitive records, every write
-- request, sign-ins and account changes. Identifiers and metadata only, never personal data.
CREATE TABLE access_log (
    seq          BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    origin       TEXT NOT NULL,
    outcome      BIGINT NOT NULL,
    reason       TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE TRIGGER users_never_deleted BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER sessions_never_deleted BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER api_tokens_never_deleted BEFORE DELETE ON api_tokens FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION nansen_refuse_change();
