//! Durable solutions over the API: resettlement States' yearly quotas, resettlement submissions
//! with their state machine (accept, reject, withdraw, depart), and the departure of voluntary
//! repatriations. The rules are the domain's (`nansen_domain::solutions`), applied by the store
//! inside its transaction.
//!
//! Quotas are kept **per operation**: a resettlement State allocates its yearly places to the
//! operations it resettles from, every table carries `operation_id` (so a deployment sharded by
//! operation checks a quota and the acceptance it allows in one shard and one transaction), and a
//! user sees only the quotas of their own operations.

use crate::api::{load_household, load_person, meta, not_found, operation_exists, parse_id, with_etag};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use nansen_domain::solutions::{Departure, DepartureVerdict, Quota, SubmissionAction, SubmissionStatus};
use nansen_domain::{EntityKind, Event, Iso3, PersonId, Reason, SubmissionId};
use nansen_store::{QuotaRecord, Solutions, Store, SubmissionRecord, MAX_PAGE};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/operations/{operation_id}/resettlement-quotas", get(list_quotas))
        .route("/api/v1/operations/{operation_id}/resettlement-quotas/{country}/{year}", put(set_quota))
        .route("/api/v1/operations/{operation_id}/resettlement-submissions", post(submit).get(list_submissions))
        .route("/api/v1/resettlement-submissions/{id}", get(get_submission))
        .route("/api/v1/resettlement-submissions/{id}/history", get(submission_history))
        .route("/api/v1/resettlement-submissions/{id}/accept", post(accept))
        .route("/api/v1/resettlement-submissions/{id}/reject", post(reject))
        .route("/api/v1/resettlement-submissions/{id}/withdraw", post(withdraw))
        .route("/api/v1/resettlement-submissions/{id}/depart", post(depart))
        .route("/api/v1/repatriations/{id}/depart", post(depart_repatriation))
}

// ───────────────────────────── Quotas ─────────────────────────────

/// A resettlement State's places for the operation in one year, and their use.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaDto {
    /// Identifier.
    pub id: Uuid,
    /// Operation.
    pub operation_id: Uuid,
    /// Version to send back with a change.
    pub version: i64,
    /// The resettlement State (ISO3).
    pub country: String,
    /// The calendar year.
    pub year: i32,
    /// Places offered.
    pub places: u32,
    /// Places used by accepted and departed submissions.
    pub used: u32,
    /// Places left.
    pub remaining: u32,
    /// A note, e.g. the pledge.
    pub note: Option<String>,
    /// First set at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<&QuotaRecord> for QuotaDto {
    fn from(q: &QuotaRecord) -> Self {
        Self {
            id: q.id.as_uuid(),
            operation_id: q.operation_id.as_uuid(),
            version: q.version,
            country: q.quota.country.to_string(),
            year: q.quota.year,
            places: q.quota.places,
            used: q.used,
            remaining: q.quota.places.saturating_sub(q.used),
            note: q.quota.note.as_ref().map(|n| n.to_string()),
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

/// Setting a quota.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaRequest {
    /// The quota's version the change is based on (0 when none is set yet for this State and year).
    pub version: i64,
    /// Places offered (0 to 1,000,000); never fewer than already used.
    pub places: i64,
    /// A note, e.g. the pledge it comes from.
    pub note: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/operations/{operation_id}/resettlement-quotas", tag = "solutions",
    params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 200, body = [QuotaDto]), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_quotas(State(s): State<AppState>, p: Principal, Path(op): Path<String>) -> ApiResult<Json<Vec<QuotaDto>>> {
    let op = operation_exists(&s, &p, &op).await?;
    Ok(Json(s.store.quotas(op).await?.iter().map(QuotaDto::from).collect()))
}

#[utoipa::path(put, path = "/api/v1/operations/{operation_id}/resettlement-quotas/{country}/{year}", tag = "solutions", request_body = QuotaRequest,
    params(("operation_id" = Uuid, Path, description = "Operation"), ("country" = String, Path, description = "Resettlement State (ISO3)"), ("year" = i32, Path, description = "Calendar year")),
    responses((status = 200, body = QuotaDto), (status = 404, body = ErrorBody), (status = 409, description = "Stale version", body = ErrorBody),
        (status = 422, description = "Invalid quota, or fewer places than already used", body = ErrorBody)))]
pub(crate) async fn set_quota(State(s): State<AppState>, p: Principal, Path((op, country, year)): Path<(String, String, String)>, JsonBody(req): JsonBody<QuotaRequest>) -> ApiResult<Response> {
    let op = operation_exists(&s, &p, &op).await?;
    let host = s.store.operation(op).await?.ok_or_else(|| not_found("operation", &op.to_string()))?.country;
    let year: i64 = year.trim().parse().map_err(|_| ApiError::field("year", "invalid_year", format!("{year:?} is not a year: give a calendar year such as 2026")))?;
    let quota = Quota::parse(&country, year, req.places, req.note.as_deref(), host)?;
    let q = s.store.set_quota(op, quota, req.version, meta(&s, &p, None)?).await?;
    Ok(with_etag(q.version, Json(QuotaDto::from(&q))))
}

// ───────────────────────────── Submissions ─────────────────────────────

/// A resettlement submission and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionDto {
    /// Identifier.
    pub id: Uuid,
    /// Operation.
    pub operation_id: Uuid,
    /// Version to send back with the next action.
    pub version: i64,
    /// The resettlement State (ISO3).
    pub country: String,
    /// The persons submitted.
    pub persons: Vec<Uuid>,
    /// `submitted`, `accepted`, `rejected`, `withdrawn` or `departed`.
    #[schema(value_type = String)]
    pub status: SubmissionStatus,
    /// The day it was submitted.
    pub submitted_on: NaiveDate,
    /// The day of the State's decision, or of the withdrawal.
    pub decided_on: Option<NaiveDate>,
    /// The year whose quota the acceptance uses.
    pub quota_year: Option<i32>,
    /// The State's reason for a rejection, or why it was withdrawn.
    pub reason: Option<String>,
    /// Departures recorded so far, one per person.
    #[schema(value_type = Vec<Object>)]
    pub departures: Vec<Departure>,
    /// The actions the state machine allows now.
    pub allowed_actions: Vec<String>,
    /// Submitted at.
    pub created_at: DateTime<Utc>,
    /// Last step at.
    pub updated_at: DateTime<Utc>,
}

impl From<&SubmissionRecord> for SubmissionDto {
    fn from(r: &SubmissionRecord) -> Self {
        let x = &r.submission;
        Self {
            id: r.id.as_uuid(),
            operation_id: r.operation_id.as_uuid(),
            version: r.version,
            country: x.country.to_string(),
            persons: x.persons.iter().map(|p| p.as_uuid()).collect(),
            status: x.status,
            submitted_on: x.submitted_on,
            decided_on: x.decided_on,
            quota_year: x.quota_year,
            reason: x.reason.as_ref().map(|r| r.to_string()),
            departures: x.departures.clone(),
            allowed_actions: x.allowed_actions().into_iter().map(str::to_owned).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A page of submissions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionPage {
    /// The submissions, newest first.
    pub items: Vec<SubmissionDto>,
    /// All matching.
    pub total: i64,
    /// Page size.
    pub limit: u32,
    /// Offset.
    pub offset: u32,
}

/// Submitting refugees for resettlement: name the persons, or a household whose members are all submitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRequest {
    /// The resettlement State (ISO3).
    pub country: String,
    /// The persons, by identifier (each must hold refugee status).
    pub persons: Option<Vec<Uuid>>,
    /// Or a household: all its members are submitted together.
    pub household_id: Option<Uuid>,
    /// Note for the file.
    pub note: Option<String>,
}

/// Recording the State's acceptance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The submission's version.
    pub version: i64,
    /// Note for the file (e.g. the State's reference).
    pub note: Option<String>,
}

/// Recording a rejection by the State, or a withdrawal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// The submission's version.
    pub version: i64,
    /// The State's reason (reject) or why the operation withdraws (withdraw).
    pub reason: String,
}

/// Recording departures of persons of an accepted submission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartRequest {
    /// The submission's version.
    pub version: i64,
    /// One entry per person who left: `{"person": "…", "departed_on": "2026-03-01"}` (not in the future).
    #[schema(value_type = Vec<Object>)]
    pub departures: Vec<Departure>,
}

/// List parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct SubmissionParams {
    /// `submitted`, `accepted`, `rejected`, `withdrawn` or `departed`; all when absent.
    pub status: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// Rows to skip (default 0).
    pub offset: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/resettlement-submissions", tag = "solutions", request_body = SubmissionRequest,
    params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 201, body = SubmissionDto), (status = 404, body = ErrorBody),
        (status = 422, description = "A person may not be submitted (not a refugee, already departed, in another open submission, a national of the State), each named with the reason", body = ErrorBody)))]
pub(crate) async fn submit(State(s): State<AppState>, p: Principal, Path(op): Path<String>, JsonBody(req): JsonBody<SubmissionRequest>) -> ApiResult<Response> {
    let country = Iso3::parse(&req.country).map_err(|e| ApiError::field("country", e.code, e.message))?;
    let op = operation_exists(&s, &p, &op).await?;
    let mut persons: Vec<PersonId> = Vec::new();
    match (&req.persons, req.household_id) {
        (Some(_), Some(_)) => return Err(ApiError::field("household_id", "persons_or_household", "name either the persons or a household, not both")),
        (None, None) => return Err(ApiError::field("persons", "required", "name the persons to submit (or give household_id to submit all its members)")),
        (Some(v), None) => {
            if v.is_empty() {
                return Err(ApiError::field("persons", "required", "name at least one person to submit"));
            }
            for id in v {
                let person = load_person(&s, &p, &id.to_string()).await?;
                if person.operation_id != op {
                    return Err(not_found("person", &id.to_string()));
                }
                if !persons.contains(&person.id) {
                    persons.push(person.id);
                }
            }
        }
        (None, Some(h)) => {
            let v = load_household(&s, &p, &h.to_string()).await?;
            if v.household.operation_id != op {
                return Err(not_found("household", &h.to_string()));
            }
            persons.extend(v.members.iter().filter(|m| m.merged_into.is_none()).map(|m| m.id));
        }
    }
    let r = s.store.submit_resettlement(op, country, persons, meta(&s, &p, req.note.as_deref())?).await?;
    Ok((StatusCode::CREATED, with_etag(r.version, Json(SubmissionDto::from(&r)))).into_response())
}

#[utoipa::path(get, path = "/api/v1/operations/{operation_id}/resettlement-submissions", tag = "solutions",
    params(("operation_id" = Uuid, Path, description = "Operation"), SubmissionParams),
    responses((status = 200, body = SubmissionPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_submissions(State(s): State<AppState>, p: Principal, Path(op): Path<String>, Query(q): Query<SubmissionParams>) -> ApiResult<Json<SubmissionPage>> {
    let bad = |field: &str, message: String| ApiError::BadQuery { field: field.into(), message };
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(SubmissionStatus::parse(t).ok_or_else(|| bad("status", "status must be submitted, accepted, rejected, withdrawn or departed".into()))?),
    };
    let num = |field: &str, v: &Option<String>, default: u32, max: u32| -> ApiResult<u32> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(t) => t.parse::<u32>().ok().filter(|n| *n <= max).ok_or_else(|| bad(field, format!("{field} must be a whole number from 0 to {max}"))),
        }
    };
    let limit = num("limit", &q.limit, 50, MAX_PAGE)?.max(1);
    let offset = num("offset", &q.offset, 0, 1_000_000)?;
    let op = operation_exists(&s, &p, &op).await?;
    if p.cases.is_none() {
        let page = s.store.submissions(op, status, limit, offset).await?;
        return Ok(Json(SubmissionPage { items: page.items.iter().map(SubmissionDto::from).collect(), total: page.total, limit: page.limit, offset: page.offset }));
    }
    // A user limited to assigned cases: only submissions whose every person is in those cases, so
    // that neither the rows nor the total reveal anyone else's (an operation holds few submissions).
    let mut visible = Vec::new();
    let mut at = 0;
    loop {
        let page = s.store.submissions(op, status, MAX_PAGE, at).await?;
        let n = page.items.len() as u32;
        for r in page.items {
            if crate::api::scope_persons(&s, &p, r.submission.persons.clone(), "resettlement submission", "").await.is_ok() {
                visible.push(r);
            }
        }
        at += n;
        if n < MAX_PAGE || i64::from(at) >= page.total {
            break;
        }
    }
    let total = visible.len() as i64;
    let items = visible.iter().skip(offset as usize).take(limit as usize).map(SubmissionDto::from).collect();
    Ok(Json(SubmissionPage { items, total, limit, offset }))
}

/// A submission in one of the user's operations (else 404, as for a missing one).
pub(crate) async fn load_submission(s: &AppState, p: &Principal, id: &str) -> ApiResult<SubmissionRecord> {
    let sid: SubmissionId = parse_id("resettlement submission", id)?;
    let r = s.store.submission(sid).await?.ok_or_else(|| not_found("resettlement submission", id))?;
    p.scope(r.operation_id, "resettlement submission", id)?;
    crate::api::scope_persons(s, p, r.submission.persons.clone(), "resettlement submission", id).await?;
    Ok(r)
}

#[utoipa::path(get, path = "/api/v1/resettlement-submissions/{id}", tag = "solutions", params(("id" = Uuid, Path, description = "Submission")),
    responses((status = 200, body = SubmissionDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_submission(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let r = load_submission(&s, &p, &id).await?;
    Ok(with_etag(r.version, Json(SubmissionDto::from(&r))))
}

#[utoipa::path(get, path = "/api/v1/resettlement-submissions/{id}/history", tag = "solutions", params(("id" = Uuid, Path, description = "Submission")),
    responses((status = 200, body = [Event]), (status = 404, body = ErrorBody)))]
pub(crate) async fn submission_history(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Vec<Event>>> {
    let r = load_submission(&s, &p, &id).await?;
    Ok(Json(s.store.history(EntityKind::Resettlement, r.id.as_uuid()).await?))
}

/// Takes one step of a submission the user may see; the state machine (inside the store's
/// transaction, with the quota as it stands then) decides.
async fn step(s: &AppState, p: &Principal, id: &str, version: i64, action: SubmissionAction, note: Option<&str>) -> ApiResult<Response> {
    let sid = load_submission(s, p, id).await?.id;
    let r = s.store.act_on_submission(sid, version, action, meta(s, p, note)?).await?;
    Ok(with_etag(r.version, Json(SubmissionDto::from(&r))))
}

fn reason_of(text: &str) -> ApiResult<Reason> {
    Reason::parse(text).map_err(|e| ApiError::field("reason", e.code, e.message))
}

#[utoipa::path(post, path = "/api/v1/resettlement-submissions/{id}/accept", tag = "solutions", request_body = AcceptRequest, params(("id" = Uuid, Path, description = "Submission")),
    responses((status = 200, body = SubmissionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "Not allowed now (illegal_transition), no quota, or the State's quota would be exceeded (quota_exceeded)", body = ErrorBody)))]
pub(crate) async fn accept(State(s): State<AppState>, p: Principal, Path(id): Path<String>, JsonBody(req): JsonBody<AcceptRequest>) -> ApiResult<Response> {
    step(&s, &p, &id, req.version, SubmissionAction::Accept, req.note.as_deref()).await
}

#[utoipa::path(post, path = "/api/v1/resettlement-submissions/{id}/reject", tag = "solutions", request_body = ReasonRequest, params(("id" = Uuid, Path, description = "Submission")),
    responses((status = 200, body = SubmissionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn reject(State(s): State<AppState>, p: Principal, Path(id): Path<String>, JsonBody(req): JsonBody<ReasonRequest>) -> ApiResult<Response> {
    let reason = reason_of(&req.reason)?;
    step(&s, &p, &id, req.version, SubmissionAction::Reject { reason }, None).await
}

#[utoipa::path(post, path = "/api/v1/resettlement-submissions/{id}/withdraw", tag = "solutions", request_body = ReasonRequest, params(("id" = Uuid, Path, description = "Submission")),
    responses((status = 200, body = SubmissionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn withdraw(State(s): State<AppState>, p: Principal, Path(id): Path<String>, JsonBody(req): JsonBody<ReasonRequest>) -> ApiResult<Response> {
    let reason = reason_of(&req.reason)?;
    step(&s, &p, &id, req.version, SubmissionAction::Withdraw { reason }, None).await
}

#[utoipa::path(post, path = "/api/v1/resettlement-submissions/{id}/depart", tag = "solutions", request_body = DepartRequest, params(("id" = Uuid, Path, description = "Submission")),
    responses((status = 200, description = "Departures recorded; `departed` once every person left", body = SubmissionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn depart(State(s): State<AppState>, p: Principal, Path(id): Path<String>, JsonBody(req): JsonBody<DepartRequest>) -> ApiResult<Response> {
    step(&s, &p, &id, req.version, SubmissionAction::Depart { departures: req.departures }, None).await
}

// ───────────────────────────── Voluntary repatriation departures ─────────────────────────────

/// Recording that participants of an evaluated voluntary repatriation left.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnDepartureRequest {
    /// The repatriation's version (1 after its evaluation; each recorded departure adds one).
    pub version: i64,
    /// The day they left (not in the future). Every participant is re-evaluated on that day.
    pub departed_on: NaiveDate,
    /// The participants who left; every participant not yet departed when absent or empty.
    pub persons: Option<Vec<Uuid>>,
    /// Participants who withdrew their consent before leaving: nothing is recorded for them.
    pub consent_withdrawn: Option<Vec<Uuid>>,
}

/// What was recorded: a departure for each participant allowed on the day, every other one named with the reasons.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnDepartureDto {
    /// The repatriation.
    pub repatriation_id: Uuid,
    /// Its version now.
    pub version: i64,
    /// The day of departure.
    pub departed_on: NaiveDate,
    /// The persons whose departure was recorded.
    pub departed: Vec<Uuid>,
    /// One verdict per participant named (`allowed`, `refusals` with code and reason).
    #[schema(value_type = Vec<Object>)]
    pub verdicts: Vec<DepartureVerdict>,
}

#[utoipa::path(post, path = "/api/v1/repatriations/{id}/depart", tag = "protection", request_body = ReturnDepartureRequest, params(("id" = Uuid, Path, description = "Repatriation request")),
    responses((status = 200, body = ReturnDepartureDto), (status = 404, body = ErrorBody), (status = 409, description = "Stale version", body = ErrorBody),
        (status = 422, description = "Nobody may be recorded as departed (each participant named with the reasons), or a date in the future", body = ErrorBody)))]
pub(crate) async fn depart_repatriation(State(s): State<AppState>, p: Principal, Path(id): Path<String>, JsonBody(req): JsonBody<ReturnDepartureRequest>) -> ApiResult<Response> {
    let rid: Uuid = parse_id("repatriation", &id)?;
    let first = s.store.history(EntityKind::Repatriation, rid).await?.into_iter().next().ok_or_else(|| not_found("repatriation", &id))?;
    p.scope(first.operation_id, "repatriation", &id)?;
    crate::api::scope_repatriation(&s, &p, &first, &id).await?;
    let ids = |v: Option<Vec<Uuid>>| v.unwrap_or_default().into_iter().map(PersonId::from_uuid).collect::<Vec<_>>();
    let r = s.store.depart_repatriation(rid, req.version, ids(req.persons), ids(req.consent_withdrawn), req.departed_on, meta(&s, &p, None)?).await?;
    let dto = ReturnDepartureDto {
        repatriation_id: r.repatriation_id,
        version: r.version,
        departed_on: r.departed_on,
        departed: r.verdicts.iter().filter(|v| v.allowed).map(|v| v.person.as_uuid()).collect(),
        verdicts: r.verdicts,
    };
    Ok(with_etag(dto.version, Json(dto)))
}
