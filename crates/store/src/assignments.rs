//! Case assignment (part of [`Accounts`]: each change commits with its access-log entry, in one
//! transaction).
//!
//! A case is a household (the case group). Assigning it to a user matters only for users whose
//! account is limited to assigned cases ([`super::User::assigned_only`]): inside their operations they
//! see the persons, claims, removals and duplicate pairs of those households and nothing else. An
//! assignment is ended, never deleted.

use super::{AccessEntry, Accounts};
use crate::{Result, StoreError};
use nansen_domain::{HouseholdId, OperationId};
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

/// One assignment of a case to a user, live or ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// Identifier.
    pub id: Uuid,
    /// The case's operation.
    pub operation_id: OperationId,
    /// The case (household).
    pub household_id: HouseholdId,
    /// The user it is assigned to.
    pub user_id: Uuid,
    /// When (Unix seconds).
    pub assigned_at: i64,
    /// Who assigned it.
    pub assigned_by: String,
    /// Why.
    pub reason: String,
    /// When it ended, if it did.
    pub ended_at: Option<i64>,
    /// Who ended it.
    pub ended_by: Option<String>,
    /// Why it ended.
    pub end_reason: Option<String>,
}

const COLS: &str = "id, operation_id, household_id, user_id, assigned_at, assigned_by, reason, ended_at, ended_by, end_reason";

fn from_row<R: Row>(r: &R) -> Result<Assignment>
where
    usize: sqlx::ColumnIndex<R>,
    for<'a> Uuid: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database>,
{
    Ok(Assignment {
        id: r.try_get(0)?,
        operation_id: OperationId::from_uuid(r.try_get(1)?),
        household_id: HouseholdId::from_uuid(r.try_get(2)?),
        user_id: r.try_get(3)?,
        assigned_at: r.try_get(4)?,
        assigned_by: r.try_get(5)?,
        reason: r.try_get(6)?,
        ended_at: r.try_get(7)?,
        ended_by: r.try_get(8)?,
        end_reason: r.try_get(9)?,
    })
}

impl Accounts {
    /// Assigns a case to a user. Refused (`Duplicate`) when it is already assigned to them.
    pub async fn assign_case(&self, operation: OperationId, household: HouseholdId, user: Uuid, reason: &str, log: AccessEntry) -> Result<Assignment> {
        let a = Assignment {
            id: Uuid::now_v7(),
            operation_id: operation,
            household_id: household,
            user_id: user,
            assigned_at: log.at.timestamp(),
            assigned_by: log.actor.clone(),
            reason: reason.to_string(),
            ended_at: None,
            ended_by: None,
            end_reason: None,
        };
        let r: Result<()> = chained!(self, tx => {
            let live = sqlx::query("SELECT 1 FROM case_assignments WHERE user_id = $1 AND household_id = $2 AND ended_at IS NULL")
                .bind(user).bind(household.as_uuid()).fetch_optional(&mut *tx).await?;
            if live.is_some() {
                return Err(StoreError::Duplicate("this case is already assigned to that user; end the assignment first if it should change".into()));
            }
            sqlx::query("INSERT INTO case_assignments (id, operation_id, household_id, user_id, assigned_at, assigned_by, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(a.id).bind(operation.as_uuid()).bind(household.as_uuid()).bind(user).bind(a.assigned_at).bind(&a.assigned_by).bind(reason)
                .execute(&mut *tx).await?;
            append_entries!(tx, [AccessEntry { target: format!("household:{household} assignment:{}", a.id), ..log }]);
            Ok(())
        });
        r?;
        Ok(a)
    }

    /// Ends a live assignment; `Ok(false)` when it had already ended (nothing written).
    pub async fn end_assignment(&self, id: Uuid, reason: &str, log: AccessEntry) -> Result<bool> {
        let now = log.at.timestamp();
        let by = log.actor.clone();
        let n = chained!(self, tx => {
            let n = sqlx::query("UPDATE case_assignments SET ended_at = $1, ended_by = $2, end_reason = $3 WHERE id = $4 AND ended_at IS NULL")
                .bind(now).bind(&by).bind(reason).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                append_entries!(tx, [AccessEntry { target: format!("assignment:{id}"), ..log }]);
            }
            n
        });
        Ok(n == 1)
    }

    /// One assignment.
    pub async fn assignment(&self, id: Uuid) -> Result<Option<Assignment>> {
        let sql = format!("SELECT {COLS} FROM case_assignments WHERE id = $1");
        on_pool!(self, p => sqlx::query(&sql).bind(id).fetch_optional(p).await?.as_ref().map(from_row).transpose())
    }

    /// Every assignment of a case, live and ended, oldest first.
    pub async fn case_assignments(&self, household: HouseholdId) -> Result<Vec<Assignment>> {
        let sql = format!("SELECT {COLS} FROM case_assignments WHERE household_id = $1 ORDER BY assigned_at, id");
        on_pool!(self, p => sqlx::query(&sql).bind(household.as_uuid()).fetch_all(p).await?.iter().map(from_row).collect())
    }

    /// The cases assigned to a user now.
    pub async fn assigned_cases(&self, user: Uuid) -> Result<Vec<HouseholdId>> {
        on_pool!(self, p => sqlx::query("SELECT household_id FROM case_assignments WHERE user_id = $1 AND ended_at IS NULL")
            .bind(user).fetch_all(p).await?.iter()
            .map(|r| Ok(HouseholdId::from_uuid(r.try_get(0)?)))
            .collect())
    }
}
