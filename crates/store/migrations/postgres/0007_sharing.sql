-- Data-sharing agreements and the transfers made under them. An agreement's terms (recipient,
-- purpose, legal basis, fields, validity) are fixed once recorded; it is revoked, never deleted.
-- A transfer row holds identifiers and the fields sent, never the personal data itself.

CREATE TABLE sharing_agreements (
    id              UUID PRIMARY KEY,
    operation_id    UUID NOT NULL REFERENCES operations(id),
    terms           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    revoked_at      BIGINT,
    revoked_by      TEXT,
    revoked_reason  TEXT
);
CREATE INDEX sharing_agreements_operation ON sharing_agreements (operation_id);

CREATE TABLE data_transfers (
    id              UUID PRIMARY KEY,
    agreement_id    UUID NOT NULL REFERENCES sharing_agreements(id),
    operation_id    UUID NOT NULL REFERENCES operations(id),
    at              BIGINT NOT NULL,
    actor           TEXT NOT NULL,
    sent            TEXT NOT NULL,
    refused         TEXT NOT NULL,
    fields          TEXT NOT NULL,
    digest          TEXT NOT NULL
);
CREATE INDEX data_transfers_agreement ON data_transfers (agreement_id, at);
