-- Data-sharing agreements and the transfers made under them. An agreement's terms (recipient,
-- purpose, legal basis, fields, validity) are fixed once recorded; it is revoked, never deleted.
-- A transfer row holds identifiers and the fields sent, never the personal data itself.

CREATE TABLE sharing_agreements (
    id              BLOB PRIMARY KEY NOT NULL,
    operation_id    BLOB NOT NULL REFERENCES operations(id),
    terms           TEXT NOT NULL CHECK (json_valid(terms)),
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    revoked_at      INTEGER,
    revoked_by      TEXT,
    revoked_reason  TEXT
);
CREATE INDEX sharing_agreements_operation ON sharing_agreements (operation_id);

CREATE TABLE data_transfers (
    id              BLOB PRIMARY KEY NOT NULL,
    agreement_id    BLOB NOT NULL REFERENCES sharing_agreements(id),
    operation_id    BLOB NOT NULL REFERENCES operations(id),
    at              INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    sent            TEXT NOT NULL CHECK (json_valid(sent)),
    refused         TEXT NOT NULL CHECK (json_valid(refused)),
    fields          TEXT NOT NULL CHECK (json_valid(fields)),
    digest          TEXT NOT NULL
);
CREATE INDEX data_transfers_agreement ON data_transfers (agreement_id, at);
