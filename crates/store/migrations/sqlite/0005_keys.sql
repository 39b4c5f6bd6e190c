-- Encryption at rest: the data-encryption keys (DEKs) that seal sensitive fields, each wrapped
-- (XChaCha20-Poly1305, associated data "nansen-dek-v1|<id>") by the master key, which is never
-- stored here. The highest id seals new writes; older keys stay to read what they sealed.
-- Rotation rewraps every row under a new master key and adds a new DEK; no row is ever deleted.
CREATE TABLE keyring (
    id            INTEGER PRIMARY KEY NOT NULL CHECK (id >= 1),
    created_at    TEXT NOT NULL,
    wrapped       TEXT NOT NULL,
    rewrapped_at  TEXT
);
CREATE TRIGGER keyring_never_deleted BEFORE DELETE ON keyring
BEGIN SELECT RAISE(ABORT, 'data keys are never deleted: what they sealed could no longer be read'); END;
