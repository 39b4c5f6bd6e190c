//! Work queues: bounded reads over claims (by stage, from the clear `claims.stage` column) and
//! removal requests, for the staff pages' lists and the home page. Written once and instantiated
//! per backend by [`queues_impl!`]; every query takes the operations to look in, so a user's queue
//! never reaches outside their operations. Reads only.

use crate::protection_model::{ClaimRecord, RemovalData};
use crate::{Page, Result};
use chrono::{DateTime, Utc};
use nansen_domain::convention::procedure::StageKind;
use nansen_domain::{OperationId, RemovalId};
use serde::Serialize;
use std::future::Future;
use uuid::Uuid;

/// Most rows one queue read returns.
pub const MAX_QUEUE_PAGE: u32 = 200;

/// A removal request as a list shows it: the request and how the guard answered at request time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemovalSummary {
    /// Identifier.
    pub id: RemovalId,
    /// Operation.
    pub operation_id: OperationId,
    /// Version.
    pub version: i64,
    /// The request.
    pub data: RemovalData,
    /// Requested at.
    pub created_at: DateTime<Utc>,
    /// Persons evaluated when the request was made.
    pub evaluated: i64,
    /// Of those, persons the guard allowed.
    pub allowed: i64,
}

/// Bounded reads for work queues and lists.
pub trait Queues: Send + Sync + 'static {
    /// Claims of `ops` whose stage is one of `stages` (all stages when empty), `limit` (at most
    /// [`MAX_QUEUE_PAGE`]) after `offset`, ordered by their last step: oldest first (a queue) or
    /// newest first (a list). The page's total counts every match. With `assigned_to`, only claims
    /// of persons in the cases assigned to that user (every read here takes it the same way).
    fn claims_in_stages(
        &self,
        ops: &[OperationId],
        assigned_to: Option<Uuid>,
        stages: &[StageKind],
        newest_first: bool,
        limit: u32,
        offset: u32,
    ) -> impl Future<Output = Result<Page<ClaimRecord>>> + Send;
    /// How many claims of `ops` are in each stage (stages without claims are absent).
    fn claim_stage_counts(&self, ops: &[OperationId], assigned_to: Option<Uuid>) -> impl Future<Output = Result<Vec<(StageKind, i64)>>> + Send;
    /// Notified claims of `ops` whose last step is at or after `since`, oldest first, at most `limit`
    /// (candidates for the appeal deadlines running; the deadline itself is in the sealed state).
    fn claims_notified_since(&self, ops: &[OperationId], assigned_to: Option<Uuid>, since: DateTime<Utc>, limit: u32) -> impl Future<Output = Result<Vec<ClaimRecord>>> + Send;
    /// Removal requests of `ops`, newest first; only those not executed yet when `open_only`. With
    /// `assigned_to`, only requests whose every person is in that user's assigned cases.
    fn removal_requests(&self, ops: &[OperationId], assigned_to: Option<Uuid>, open_only: bool, limit: u32, offset: u32) -> impl Future<Output = Result<Page<RemovalSummary>>> + Send;
}

/// The persons of the cases assigned to the user bound to placeholder `$n` (SQLite).
macro_rules! sqlite_assigned {
    ($n:literal) => {
        concat!("(SELECT ap.id FROM persons ap JOIN case_assignments aa ON aa.household_id = ap.household_id WHERE aa.user_id = ", $n, " AND aa.ended_at IS NULL)")
    };
}
/// The same for PostgreSQL.
macro_rules! pg_assigned {
    ($n:literal) => {
        concat!("(SELECT ap.id FROM persons ap JOIN case_assignments aa ON aa.household_id = ap.household_id AND aa.operation_id = ap.operation_id WHERE aa.user_id = ", $n, "::uuid AND aa.ended_at IS NULL)")
    };
}
pub(crate) use {pg_assigned, sqlite_assigned};

/// SQL statements of the queues that differ between the backends. `$1` is always a JSON array of
/// operation identifiers; the placeholder after the others is the user whose assigned cases bound
/// the read, or NULL for every case.
pub(crate) struct QueueSql {
    pub claims_oldest: &'static str,
    pub claims_newest: &'static str,
    pub claims_count: &'static str,
    pub stage_counts: &'static str,
    pub notified_since: &'static str,
    pub removals: &'static str,
    pub removals_count: &'static str,
}

pub(crate) const SQLITE: QueueSql = QueueSql {
    claims_oldest: concat!("SELECT id, operation_id, person_id, version, state, created_at, updated_at FROM claims \
        WHERE operation_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) \
        AND (json_array_length($2) = 0 OR stage IN (SELECT value FROM json_each($2))) \
        AND ($5 IS NULL OR person_id IN ", sqlite_assigned!("$5"), ") ORDER BY updated_at, id LIMIT $3 OFFSET $4"),
    claims_newest: concat!("SELECT id, operation_id, person_id, version, state, created_at, updated_at FROM claims \
        WHERE operation_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) \
        AND (json_array_length($2) = 0 OR stage IN (SELECT value FROM json_each($2))) \
        AND ($5 IS NULL OR person_id IN ", sqlite_assigned!("$5"), ") ORDER BY updated_at DESC, id DESC LIMIT $3 OFFSET $4"),
    claims_count: concat!("SELECT COUNT(*) FROM claims WHERE operation_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) \
        AND (json_array_length($2) = 0 OR stage IN (SELECT value FROM json_each($2))) AND ($3 IS NULL OR person_id IN ", sqlite_assigned!("$3"), ")"),
    stage_counts: concat!("SELECT stage, COUNT(*) FROM claims WHERE operation_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) \
        AND ($2 IS NULL OR person_id IN ", sqlite_assigned!("$2"), ") GROUP BY stage"),
    notified_since: concat!("SELECT id, operation_id, person_id, version, state, created_at, updated_at FROM claims \
        WHERE operation_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) AND stage = 'notified' AND updated_at >= $2 \
        AND ($4 IS NULL OR person_id IN ", sqlite_assigned!("$4"), ") ORDER BY updated_at, id LIMIT $3"),
    removals: concat!("SELECT r.id, r.operation_id, r.version, r.data, r.created_at, \
        (SELECT COUNT(*) FROM removal_evaluations e WHERE e.request_id = r.id AND e.phase = 'request'), \
        (SELECT COUNT(*) FROM removal_evaluations e WHERE e.request_id = r.id AND e.phase = 'request' AND e.allowed = 1) \
        FROM removal_requests r WHERE r.operation_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) \
        AND (NOT $2 OR json_extract(r.data, '$.status') = 'evaluated') \
        AND ($5 IS NULL OR NOT EXISTS (SELECT 1 FROM removal_evaluations x WHERE x.request_id = r.id AND x.person_id NOT IN ", sqlite_assigned!("$5"), ")) \
        ORDER BY r.created_at DESC, r.id DESC LIMIT $3 OFFSET $4"),
    removals_count: concat!("SELECT COUNT(*) FROM removal_requests r WHERE r.operation_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) \
        AND (NOT $2 OR json_extract(r.data, '$.status') = 'evaluated') \
        AND ($3 IS NULL OR NOT EXISTS (SELECT 1 FROM removal_evaluations x WHERE x.request_id = r.id AND x.person_id NOT IN ", sqlite_assigned!("$3"), "))"),
};

pub(crate) const POSTGRES: QueueSql = QueueSql {
    claims_oldest: concat!("SELECT id, operation_id, person_id, version, state::text, created_at, updated_at FROM claims \
        WHERE operation_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) \
        AND (jsonb_array_length($2::jsonb) = 0 OR stage IN (SELECT jsonb_array_elements_text($2::jsonb))) \
        AND ($5::uuid IS NULL OR person_id IN ", pg_assigned!("$5"), ") ORDER BY updated_at, id LIMIT $3 OFFSET $4"),
    claims_newest: concat!("SELECT id, operation_id, person_id, version, state::text, created_at, updated_at FROM claims \
        WHERE operation_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) \
        AND (jsonb_array_length($2::jsonb) = 0 OR stage IN (SELECT jsonb_array_elements_text($2::jsonb))) \
        AND ($5::uuid IS NULL OR person_id IN ", pg_assigned!("$5"), ") ORDER BY updated_at DESC, id DESC LIMIT $3 OFFSET $4"),
    claims_count: concat!("SELECT COUNT(*) FROM claims WHERE operation_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) \
        AND (jsonb_array_length($2::jsonb) = 0 OR stage IN (SELECT jsonb_array_elements_text($2::jsonb))) \
        AND ($3::uuid IS NULL OR person_id IN ", pg_assigned!("$3"), ")"),
    stage_counts: concat!("SELECT stage, COUNT(*) FROM claims WHERE operation_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) \
        AND ($2::uuid IS NULL OR person_id IN ", pg_assigned!("$2"), ") GROUP BY stage"),
    notified_since: concat!("SELECT id, operation_id, person_id, version, state::text, created_at, updated_at FROM claims \
        WHERE operation_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) AND stage = 'notified' AND updated_at >= $2 \
        AND ($4::uuid IS NULL OR person_id IN ", pg_assigned!("$4"), ") ORDER BY updated_at, id LIMIT $3"),
    removals: concat!("SELECT r.id, r.operation_id, r.version, r.data::text, r.created_at, \
        (SELECT COUNT(*) FROM removal_evaluations e WHERE e.request_id = r.id AND e.operation_id = r.operation_id AND e.phase = 'request'), \
        (SELECT COUNT(*) FROM removal_evaluations e WHERE e.request_id = r.id AND e.operation_id = r.operation_id AND e.phase = 'request' AND e.allowed) \
        FROM removal_requests r WHERE r.operation_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) \
        AND (NOT $2 OR r.data->>'status' = 'evaluated') \
        AND ($5::uuid IS NULL OR NOT EXISTS (SELECT 1 FROM removal_evaluations x WHERE x.request_id = r.id AND x.operation_id = r.operation_id AND x.person_id NOT IN ", pg_assigned!("$5"), ")) \
        ORDER BY r.created_at DESC, r.id DESC LIMIT $3 OFFSET $4"),
    removals_count: concat!("SELECT COUNT(*) FROM removal_requests r WHERE r.operation_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) \
        AND (NOT $2 OR r.data->>'status' = 'evaluated') \
        AND ($3::uuid IS NULL OR NOT EXISTS (SELECT 1 FROM removal_evaluations x WHERE x.request_id = r.id AND x.operation_id = r.operation_id AND x.person_id NOT IN ", pg_assigned!("$3"), "))"),
};

/// The JSON arguments of a queue query: the operations, and the stages by their stored names.
pub(crate) fn json_args(ops: &[OperationId], stages: &[StageKind]) -> (String, String) {
    let ops = serde_json::to_string(&ops.iter().map(|o| o.to_string()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
    let stages = serde_json::to_string(stages).unwrap_or_else(|_| "[]".into());
    (ops, stages)
}

/// A stage name as stored in `claims.stage`.
pub(crate) fn parse_stage(s: &str) -> Option<StageKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// Implements [`Queues`] for a backend. Expanded inside the backend's module, after
/// `protection_impl!` (it reads claims with that module's row decoder).
macro_rules! queues_impl {
    ($Store:ident, $QSQL:path, $bind_ts:ident) => {
        mod queues_backend {
            use super::$Store;
            use crate::protection_model::{ClaimRecord, RemovalData};
            use crate::queues::{json_args, parse_stage, RemovalSummary, MAX_QUEUE_PAGE};
            use crate::{Page, Result, StoreError};
            use nansen_domain::convention::procedure::StageKind;
            use nansen_domain::{OperationId, RemovalId};
            use sqlx::Row;
            use uuid::Uuid;

            impl crate::queues::Queues for $Store {
                async fn claims_in_stages(&self, ops: &[OperationId], assigned_to: Option<Uuid>, stages: &[StageKind], newest_first: bool, limit: u32, offset: u32) -> Result<Page<ClaimRecord>> {
                    let limit = limit.clamp(1, MAX_QUEUE_PAGE);
                    if ops.is_empty() {
                        return Ok(Page { items: Vec::new(), total: 0, limit, offset });
                    }
                    let (o, s) = json_args(ops, stages);
                    let total: i64 = sqlx::query($QSQL.claims_count).bind(&o).bind(&s).bind(assigned_to).fetch_one(self.pool()).await?.try_get(0)?;
                    let sql = if newest_first { $QSQL.claims_newest } else { $QSQL.claims_oldest };
                    let rows = sqlx::query(sql).bind(&o).bind(&s).bind(i64::from(limit)).bind(i64::from(offset)).bind(assigned_to).fetch_all(self.pool()).await?;
                    let items = rows.iter().map(|r| super::claim_from_row(r, &self.seal)).collect::<Result<Vec<_>>>()?;
                    Ok(Page { items, total, limit, offset })
                }

                async fn claim_stage_counts(&self, ops: &[OperationId], assigned_to: Option<Uuid>) -> Result<Vec<(StageKind, i64)>> {
                    if ops.is_empty() {
                        return Ok(Vec::new());
                    }
                    let (o, _) = json_args(ops, &[]);
                    let rows = sqlx::query($QSQL.stage_counts).bind(&o).bind(assigned_to).fetch_all(self.pool()).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let stage: String = r.try_get(0)?;
                        let n: i64 = r.try_get(1)?;
                        let kind = parse_stage(&stage).ok_or_else(|| StoreError::Corrupt(format!("claim stage {stage:?}")))?;
                        out.push((kind, n));
                    }
                    Ok(out)
                }

                async fn claims_notified_since(&self, ops: &[OperationId], assigned_to: Option<Uuid>, since: chrono::DateTime<chrono::Utc>, limit: u32) -> Result<Vec<ClaimRecord>> {
                    if ops.is_empty() {
                        return Ok(Vec::new());
                    }
                    let (o, _) = json_args(ops, &[]);
                    let rows = sqlx::query($QSQL.notified_since)
                        .bind(&o)
                        .bind(super::$bind_ts(since))
                        .bind(i64::from(limit.clamp(1, MAX_QUEUE_PAGE)))
                        .bind(assigned_to)
                        .fetch_all(self.pool())
                        .await?;
                    rows.iter().map(|r| super::claim_from_row(r, &self.seal)).collect()
                }

                async fn removal_requests(&self, ops: &[OperationId], assigned_to: Option<Uuid>, open_only: bool, limit: u32, offset: u32) -> Result<Page<RemovalSummary>> {
                    let limit = limit.clamp(1, MAX_QUEUE_PAGE);
                    if ops.is_empty() {
                        return Ok(Page { items: Vec::new(), total: 0, limit, offset });
                    }
                    let (o, _) = json_args(ops, &[]);
                    let total: i64 = sqlx::query($QSQL.removals_count).bind(&o).bind(open_only).bind(assigned_to).fetch_one(self.pool()).await?.try_get(0)?;
                    let rows = sqlx::query($QSQL.removals).bind(&o).bind(open_only).bind(i64::from(limit)).bind(i64::from(offset)).bind(assigned_to).fetch_all(self.pool()).await?;
                    let mut items = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let data: String = r.try_get(3)?;
                        let data: RemovalData = serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("removal: {e}")))?;
                        items.push(RemovalSummary {
                            id: RemovalId::from_uuid(r.try_get(0)?),
                            operation_id: OperationId::from_uuid(r.try_get(1)?),
                            version: r.try_get(2)?,
                            data,
                            created_at: r.try_get(4)?,
                            evaluated: r.try_get(5)?,
                            allowed: r.try_get(6)?,
                        });
                    }
                    Ok(Page { items, total, limit, offset })
                }
            }
        }
    };
}
pub(crate) use queues_impl;

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            crate::AnyStore::Sqlite($s) => $e.await,
            crate::AnyStore::Postgres($s) => $e.await,
        }
    };
}

impl Queues for crate::AnyStore {
    async fn claims_in_stages(&self, ops: &[OperationId], assigned_to: Option<Uuid>, stages: &[StageKind], newest_first: bool, limit: u32, offset: u32) -> Result<Page<ClaimRecord>> {
        delegate!(self, s => s.claims_in_stages(ops, assigned_to, stages, newest_first, limit, offset))
    }
    async fn claim_stage_counts(&self, ops: &[OperationId], assigned_to: Option<Uuid>) -> Result<Vec<(StageKind, i64)>> {
        delegate!(self, s => s.claim_stage_counts(ops, assigned_to))
    }
    async fn claims_notified_since(&self, ops: &[OperationId], assigned_to: Option<Uuid>, since: DateTime<Utc>, limit: u32) -> Result<Vec<ClaimRecord>> {
        delegate!(self, s => s.claims_notified_since(ops, assigned_to, since, limit))
    }
    async fn removal_requests(&self, ops: &[OperationId], assigned_to: Option<Uuid>, open_only: bool, limit: u32, offset: u32) -> Result<Page<RemovalSummary>> {
        delegate!(self, s => s.removal_requests(ops, assigned_to, open_only, limit, offset))
    }
}
