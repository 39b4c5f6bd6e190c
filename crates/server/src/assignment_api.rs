//! Case assignment: which staff member works on which case (household).
//!
//! An assignment matters to users whose account is limited to assigned cases
//! ([`nansen_store::accounts::User::assigned_only`]): inside their operations they see only the
//! households assigned to them, with their persons, claims, removals and duplicate pairs; anything
//! else answers 404 like a record that does not exist. Assignments are made and ended by a holder of
//! `case_assign`, with a reason, in the same transaction as their access-log entry; they are ended,
//! never deleted.

use crate::account_api::ClientIp;
use crate::api::{load_household, not_found, parse_id};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use nansen_domain::access::Username;
use nansen_domain::{Reason, ValidationErrors};
use nansen_store::accounts::assignments::Assignment;
use nansen_store::accounts::AccessEntry;
use nansen_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households/{id}/assignments", get(list).post(assign))
        .route("/api/v1/assignments/{id}/end", post(end))
}

/// An assignment of a case to a staff member.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentDto {
    /// Identifier.
    pub id: Uuid,
    /// The case (household).
    pub household_id: Uuid,
    /// Its operation.
    pub operation_id: Uuid,
    /// The staff member's sign-in name.
    pub username: String,
    /// True while the assignment runs.
    pub active: bool,
    /// When it was made (RFC 3339).
    pub assigned_at: String,
    /// Who made it.
    pub assigned_by: String,
    /// Why.
    pub reason: String,
    /// When it ended (RFC 3339), if it did.
    pub ended_at: Option<String>,
    /// Who ended it.
    pub ended_by: Option<String>,
    /// Why it ended.
    pub end_reason: Option<String>,
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map(|d| d.to_rfc3339()).unwrap_or_default()
}

async fn dto(s: &AppState, a: &Assignment) -> ApiResult<AssignmentDto> {
    let username = s.accounts.user(a.user_id).await?.map(|u| u.username.to_string()).unwrap_or_else(|| a.user_id.to_string());
    Ok(AssignmentDto {
        id: a.id,
        household_id: a.household_id.as_uuid(),
        operation_id: a.operation_id.as_uuid(),
        username,
        active: a.ended_at.is_none(),
        assigned_at: rfc3339(a.assigned_at),
        assigned_by: a.assigned_by.clone(),
        reason: a.reason.clone(),
        ended_at: a.ended_at.map(rfc3339),
        ended_by: a.ended_by.clone(),
        end_reason: a.end_reason.clone(),
    })
}

fn entry(s: &AppState, p: &Principal, action: &str, ip: &ClientIp, reason: &Reason) -> AccessEntry {
    AccessEntry { at: s.now(), actor: p.user.username.to_string(), action: action.into(), target: String::new(), origin: ip.origin(), outcome: 1, reason: Some(reason.to_string()) }
}

#[utoipa::path(get, path = "/api/v1/households/{id}/assignments", tag = "accounts", params(("id" = Uuid, Path, description = "Household (case)")),
    responses((status = 200, description = "Every assignment of the case, running and ended, oldest first", body = Vec<AssignmentDto>), (status = 404, body = ErrorBody)))]
pub(crate) async fn list(State(s): State<AppState>, Path(id): Path<String>, p: Principal) -> ApiResult<Json<Vec<AssignmentDto>>> {
    let h = load_household(&s, &p, &id).await?;
    Ok(Json(assignments_of(&s, h.household.id).await?))
}

/// Every assignment of a case (already loaded through [`load_household`]), oldest first.
pub(crate) async fn assignments_of(s: &AppState, household: nansen_domain::HouseholdId) -> ApiResult<Vec<AssignmentDto>> {
    let mut out = Vec::new();
    for a in s.accounts.case_assignments(household).await? {
        out.push(dto(s, &a).await?);
    }
    Ok(out)
}

/// Assign a case to a staff member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The staff member's sign-in name.
    pub username: String,
    /// Why (kept with the assignment and in the access log).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/households/{id}/assignments", tag = "accounts", request_body = AssignRequest, params(("id" = Uuid, Path, description = "Household (case)")),
    responses((status = 201, body = AssignmentDto), (status = 404, body = ErrorBody), (status = 409, description = "Already assigned to that user", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn assign(State(s): State<AppState>, Path(id): Path<String>, p: Principal, ip: ClientIp, JsonBody(req): JsonBody<AssignRequest>) -> ApiResult<(StatusCode, Json<AssignmentDto>)> {
    let a = assign_case(&s, &p, &ip, &id, &req).await?;
    Ok((StatusCode::CREATED, Json(dto(&s, &a).await?)))
}

/// Why a case registered by a user limited to assigned cases is assigned to them.
pub const REGISTERED_BY_ASSIGNEE: &str = "Registered the case; a user limited to assigned cases is assigned the cases they register.";

/// Assigns the household `household`, just registered by `p` (a user limited to assigned cases), to
/// `p`: without it the clerk could not open the case they had just saved. The assignment commits
/// after the registration, with its own access-log entry; should it fail, the registration stands
/// and the failure is logged (an administrator can assign the case).
pub(crate) async fn assign_to_registrar(s: &AppState, p: &Principal, ip: &ClientIp, op: nansen_domain::OperationId, household: nansen_domain::HouseholdId) {
    let reason = match Reason::parse(REGISTERED_BY_ASSIGNEE) {
        Ok(r) => r,
        Err(e) => return tracing::error!(error = %e, "the reason of an automatic assignment is not a valid reason"),
    };
    let log = entry(s, p, "case.assign", ip, &reason);
    if let Err(e) = s.accounts.assign_case(op, household, p.user.id, reason.as_str(), log).await {
        tracing::error!(user = %p.user.username, household = %household, error = %e, "a case registered by a user limited to assigned cases could not be assigned to them; assign it by hand");
    }
}

/// Assigns the case `id` (the one path of the API and the household page).
pub(crate) async fn assign_case(s: &AppState, p: &Principal, ip: &ClientIp, id: &str, req: &AssignRequest) -> ApiResult<Assignment> {
    let mut e = ValidationErrors::new();
    let username = e.check("username", Username::parse(req.username.trim()));
    let reason = e.check("reason", Reason::parse(&req.reason));
    let (username, reason) = e.finish(|| Some((username?, reason?)))?;
    let h = load_household(s, p, id).await?;
    let op = h.household.operation_id;
    let unknown = || ApiError::field("username", "unknown_user", "there is no active staff account of that name working in this case's operation; check the name, or give the user this operation first");
    let user = match s.accounts.user_by_name(&username).await? {
        Some((u, _)) if !u.disabled && u.operations.includes(op) => u,
        _ => return Err(unknown()),
    };
    // A case goes to someone who can work on it, never to an account without access to case files.
    if !user.roles.may(nansen_domain::access::Permission::RegistryRead) {
        return Err(ApiError::field("username", "no_case_access", format!("{} holds no role that reads case files; assign the case to a caseworker", user.username)));
    }
    Ok(s.accounts.assign_case(op, h.household.id, user.id, reason.as_str(), entry(s, p, "case.assign", ip, &reason)).await?)
}

/// End an assignment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndAssignmentRequest {
    /// Why (kept with the assignment and in the access log).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/assignments/{id}/end", tag = "accounts", request_body = EndAssignmentRequest, params(("id" = Uuid, Path, description = "Assignment")),
    responses((status = 200, body = AssignmentDto), (status = 404, body = ErrorBody), (status = 422, description = "No reason, or already ended", body = ErrorBody)))]
pub(crate) async fn end(State(s): State<AppState>, Path(id): Path<String>, p: Principal, ip: ClientIp, JsonBody(req): JsonBody<EndAssignmentRequest>) -> ApiResult<Json<AssignmentDto>> {
    let a = end_assignment(&s, &p, &ip, &id, &req.reason).await?;
    Ok(Json(dto(&s, &a).await?))
}

/// Ends the assignment `id` (the one path of the API and the household page).
pub(crate) async fn end_assignment(s: &AppState, p: &Principal, ip: &ClientIp, id: &str, reason: &str) -> ApiResult<Assignment> {
    let reason = Reason::parse(reason).map_err(|e| ApiError::field("reason", e.code, e.message))?;
    let uid: Uuid = parse_id("assignment", id)?;
    let a = s.accounts.assignment(uid).await?.ok_or_else(|| not_found("assignment", id))?;
    // The case must be one the user may see, like every record.
    load_household(s, p, &a.household_id.to_string()).await.map_err(|_| not_found("assignment", id))?;
    if !s.accounts.end_assignment(a.id, reason.as_str(), entry(s, p, "case.unassign", ip, &reason)).await? {
        return Err(StoreError::Rule { code: "already_ended", message: "this assignment has already ended; nothing was changed".into() }.into());
    }
    s.accounts.assignment(uid).await?.ok_or_else(|| not_found("assignment", id))
}
