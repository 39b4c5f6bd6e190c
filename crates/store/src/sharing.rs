//! Data-sharing agreements and the log of transfers made under them (part of [`Accounts`]: each
//! change commits with its access-log entry, in one transaction).
//!
//! The terms of an agreement are written once; revocation is a new fact on the row, never a
//! deletion. A transfer row keeps who sent what fields of which persons to whom, when, and a
//! SHA-256 digest of exactly what left — identifiers and metadata, not the personal data.

use super::{AccessEntry, Accounts};
use crate::audit::sha256_hex;
use crate::{Result, StoreError};
use nansen_domain::sharing::{NewAgreement, SharedField};
use nansen_domain::OperationId;
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

/// A recorded agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Identifier.
    pub id: Uuid,
    /// The operation whose data it covers.
    pub operation_id: OperationId,
    /// Its terms.
    pub terms: NewAgreement,
    /// When it was recorded (Unix seconds).
    pub created_at: i64,
    /// Who recorded it.
    pub created_by: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// Who revoked it.
    pub revoked_by: Option<String>,
    /// Why.
    pub revoked_reason: Option<String>,
}

/// A person left out of a transfer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RefusedPerson {
    /// The person.
    pub person_id: Uuid,
    /// The refusal's code (e.g. `country_of_origin`).
    pub code: String,
}

/// A logged transfer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transfer {
    /// Identifier.
    pub id: Uuid,
    /// Under which agreement.
    pub agreement_id: Uuid,
    /// Operation.
    pub operation_id: OperationId,
    /// When (Unix seconds).
    pub at: i64,
    /// Who sent it.
    pub actor: String,
    /// Persons whose data was sent.
    pub sent: Vec<Uuid>,
    /// Persons left out, with the reason.
    pub refused: Vec<RefusedPerson>,
    /// Fields sent.
    pub fields: Vec<SharedField>,
    /// SHA-256 of the exact document that left.
    pub digest: String,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn agreement_from_row<R: Row>(r: &R) -> Result<Agreement>
where
    usize: sqlx::ColumnIndex<R>,
    for<'a> Uuid: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database>,
{
    let terms: String = r.try_get(2)?;
    Ok(Agreement {
        id: r.try_get(0)?,
        operation_id: OperationId::from_uuid(r.try_get(1)?),
        terms: serde_json::from_str(&terms).map_err(|e| corrupt("agreement terms", e))?,
        created_at: r.try_get(3)?,
        created_by: r.try_get(4)?,
        revoked_at: r.try_get(5)?,
        revoked_by: r.try_get(6)?,
        revoked_reason: r.try_get(7)?,
    })
}

fn transfer_from_row<R: Row>(r: &R) -> Result<Transfer>
where
    usize: sqlx::ColumnIndex<R>,
    for<'a> Uuid: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let json = |i: usize| -> Result<String> { Ok(r.try_get::<String, _>(i)?) };
    Ok(Transfer {
        id: r.try_get(0)?,
        agreement_id: r.try_get(1)?,
        operation_id: OperationId::from_uuid(r.try_get(2)?),
        at: r.try_get(3)?,
        actor: r.try_get(4)?,
        sent: serde_json::from_str(&json(5)?).map_err(|e| corrupt("transfer persons", e))?,
        refused: serde_json::from_str(&json(6)?).map_err(|e| corrupt("transfer refusals", e))?,
        fields: serde_json::from_str(&json(7)?).map_err(|e| corrupt("transfer fields", e))?,
        digest: r.try_get(8)?,
    })
}

const AGREEMENT_COLS: &str = "id, operation_id, terms, created_at, created_by, revoked_at, revoked_by, revoked_reason";
const TRANSFER_COLS: &str = "id, agreement_id, operation_id, at, actor, sent, refused, fields, digest";

impl Accounts {
    /// Records an agreement (and its access-log entry, in the same transaction).
    pub async fn create_agreement(&self, operation: OperationId, terms: &NewAgreement, log: AccessEntry) -> Result<Agreement> {
        let id = Uuid::now_v7();
        let now = log.at.timestamp();
        let json = serde_json::to_string(terms).map_err(|e| corrupt("agreement terms", e))?;
        let by = log.actor.clone();
        chained!(self, tx => {
            sqlx::query("INSERT INTO sharing_agreements (id, operation_id, terms, created_at, created_by) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(operation.as_uuid()).bind(&json).bind(now).bind(&by)
                .execute(&mut *tx).await?;
            append_entries!(tx, [AccessEntry { target: format!("agreement:{id}"), ..log }]);
        });
        Ok(Agreement { id, operation_id: operation, terms: terms.clone(), created_at: now, created_by: by, revoked_at: None, revoked_by: None, revoked_reason: None })
    }

    /// One agreement.
    pub async fn agreement(&self, id: Uuid) -> Result<Option<Agreement>> {
        let sql = format!("SELECT {AGREEMENT_COLS} FROM sharing_agreements WHERE id = $1");
        on_pool!(self, p => sqlx::query(&sql).bind(id).fetch_optional(p).await?.as_ref().map(agreement_from_row).transpose())
    }

    /// The agreements of an operation, newest first.
    pub async fn agreements(&self, operation: OperationId) -> Result<Vec<Agreement>> {
        let sql = format!("SELECT {AGREEMENT_COLS} FROM sharing_agreements WHERE operation_id = $1 ORDER BY created_at DESC, id DESC");
        on_pool!(self, p => sqlx::query(&sql).bind(operation.as_uuid()).fetch_all(p).await?.iter().map(agreement_from_row).collect())
    }

    /// Revokes an agreement; `Ok(false)` when it was already revoked (nothing written).
    pub async fn revoke_agreement(&self, id: Uuid, reason: &str, log: AccessEntry) -> Result<bool> {
        let now = log.at.timestamp();
        let by = log.actor.clone();
        let n = chained!(self, tx => {
            let n = sqlx::query("UPDATE sharing_agreements SET revoked_at = $1, revoked_by = $2, revoked_reason = $3 WHERE id = $4 AND revoked_at IS NULL")
                .bind(now).bind(&by).bind(reason).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                append_entries!(tx, [AccessEntry { target: format!("agreement:{id}"), ..log }]);
            }
            n
        });
        Ok(n == 1)
    }

    /// Logs a transfer: its row and its access-log entry commit together, before anything is
    /// handed to the caller to send (`document` is what leaves; only its digest is kept).
    pub async fn log_transfer(&self, agreement: &Agreement, sent: &[Uuid], refused: &[RefusedPerson], document: &str, log: AccessEntry) -> Result<Transfer> {
        let id = Uuid::now_v7();
        let t = Transfer {
            id,
            agreement_id: agreement.id,
            operation_id: agreement.operation_id,
            at: log.at.timestamp(),
            actor: log.actor.clone(),
            sent: sent.to_vec(),
            refused: refused.to_vec(),
            fields: agreement.terms.fields.iter().copied().collect(),
            digest: sha256_hex(document),
        };
        let sent_j = serde_json::to_string(&t.sent).map_err(|e| corrupt("transfer persons", e))?;
        let refused_j = serde_json::to_string(&t.refused).map_err(|e| corrupt("transfer refusals", e))?;
        let fields_j = serde_json::to_string(&t.fields).map_err(|e| corrupt("transfer fields", e))?;
        chained!(self, tx => {
            sqlx::query("INSERT INTO data_transfers (id, agreement_id, operation_id, at, actor, sent, refused, fields, digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(id).bind(t.agreement_id).bind(t.operation_id.as_uuid()).bind(t.at).bind(&t.actor)
                .bind(&sent_j).bind(&refused_j).bind(&fields_j).bind(&t.digest)
                .execute(&mut *tx).await?;
            append_entries!(tx, [AccessEntry { target: format!("transfer:{id}"), ..log }]);
        });
        Ok(t)
    }

    /// The transfers made under an agreement, newest first.
    pub async fn transfers(&self, agreement: Uuid) -> Result<Vec<Transfer>> {
        let sql = format!("SELECT {TRANSFER_COLS} FROM data_transfers WHERE agreement_id = $1 ORDER BY at DESC, id DESC");
        on_pool!(self, p => sqlx::query(&sql).bind(agreement).fetch_all(p).await?.iter().map(transfer_from_row).collect())
    }
}
