//! Data-sharing agreements and transfers to third parties.
//!
//! Personal data leaves Nansen for a third party only through `POST /api/v1/agreements/{id}/transfers`:
//! under a recorded, current agreement; only the agreement's fields; never a person whose country of
//! origin is the recipient's State (those are listed as refused, with the reason); and the transfer
//! is logged (persons, fields, digest of what left, who, when) in the same transaction as its
//! access-log entry, before the data is handed over.

use crate::api::{not_found, operation_exists, parse_id};
use crate::account_api::ClientIp;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use nansen_domain::sharing::{project, AgreementInput, NewAgreement, SharedField};
use nansen_domain::{PersonId, Reason, ValidationErrors};
use nansen_store::accounts::sharing::{Agreement, RefusedPerson, Transfer};
use nansen_store::accounts::AccessEntry;
use nansen_store::{StoreError, Store};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The most persons one transfer may carry (larger sets go in several transfers).
pub const MAX_TRANSFER: usize = 500;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/operations/{operation_id}/agreements", get(list).post(create))
        .route("/api/v1/agreements/{id}", get(one))
        .route("/api/v1/agreements/{id}/revoke", post(revoke))
        .route("/api/v1/agreements/{id}/transfers", post(transfer))
}

/// An agreement as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDto {
    /// Identifier.
    pub id: Uuid,
    /// Operation.
    pub operation_id: Uuid,
    /// Recipient's name.
    pub recipient_name: String,
    /// `state_authority`, `un_agency`, `ngo` or `other`.
    pub recipient_kind: String,
    /// Recipient's State, if any.
    pub recipient_country: Option<String>,
    /// Purpose.
    pub purpose: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Fields covered.
    pub fields: Vec<SharedField>,
    /// First day valid.
    pub valid_from: String,
    /// Last day valid.
    pub valid_until: String,
    /// True when it can carry a transfer today.
    pub active: bool,
    /// Recorded by.
    pub created_by: String,
    /// Revoked when (RFC 3339), if it was.
    pub revoked_at: Option<String>,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
    /// The transfers made under it, newest first (on a single agreement's page only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfers: Option<Vec<TransferDto>>,
}

/// A logged transfer.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferDto {
    /// Identifier.
    pub id: Uuid,
    /// When (RFC 3339).
    pub at: String,
    /// Who sent it.
    pub actor: String,
    /// Persons whose data was sent.
    pub sent: Vec<Uuid>,
    /// Persons left out, with the reason's code.
    #[schema(value_type = Vec<Object>)]
    pub refused: Vec<RefusedPerson>,
    /// Fields sent.
    pub fields: Vec<SharedField>,
    /// SHA-256 of the document that left.
    pub digest: String,
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map(|d| d.to_rfc3339()).unwrap_or_default()
}

impl From<&Transfer> for TransferDto {
    fn from(t: &Transfer) -> Self {
        Self { id: t.id, at: rfc3339(t.at), actor: t.actor.clone(), sent: t.sent.clone(), refused: t.refused.clone(), fields: t.fields.clone(), digest: t.digest.clone() }
    }
}

fn dto(a: &Agreement, today: chrono::NaiveDate) -> AgreementDto {
    let t = &a.terms;
    AgreementDto {
        id: a.id,
        operation_id: a.operation_id.as_uuid(),
        recipient_name: t.recipient.name.to_string(),
        recipient_kind: serde_json::to_value(t.recipient.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        recipient_country: t.recipient.country.map(|c| c.to_string()),
        purpose: t.purpose.to_string(),
        legal_basis: t.legal_basis.to_string(),
        fields: t.fields.iter().copied().collect(),
        valid_from: t.valid_from.to_string(),
        valid_until: t.valid_until.to_string(),
        active: t.inactive_on(today, a.revoked_at.is_some()).is_none(),
        created_by: a.created_by.clone(),
        revoked_at: a.revoked_at.map(rfc3339),
        revoked_reason: a.revoked_reason.clone(),
        transfers: None,
    }
}

fn entry(s: &AppState, p: &Principal, action: &str, ip: &ClientIp, reason: Option<String>) -> AccessEntry {
    AccessEntry { at: s.now(), actor: p.user.username.to_string(), action: action.into(), target: String::new(), origin: ip.origin(), outcome: 1, reason }
}

/// An agreement the user may see: in one of their operations (else the same 404 as a missing one).
async fn load(s: &AppState, p: &Principal, id: &str) -> ApiResult<Agreement> {
    let uid: Uuid = parse_id("agreement", id)?;
    let a = s.accounts.agreement(uid).await?.ok_or_else(|| not_found("agreement", id))?;
    p.scope(a.operation_id, "agreement", id)?;
    Ok(a)
}

#[utoipa::path(get, path = "/api/v1/operations/{operation_id}/agreements", tag = "sharing", params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 200, body = Vec<AgreementDto>), (status = 404, body = ErrorBody)))]
async fn list(State(s): State<AppState>, Path(op): Path<String>, p: Principal) -> ApiResult<Json<Vec<AgreementDto>>> {
    let op = operation_exists(&s, &p, &op).await?;
    let today = s.now().date_naive();
    Ok(Json(s.accounts.agreements(op).await?.iter().map(|a| dto(a, today)).collect()))
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/agreements", tag = "sharing", request_body = AgreementInput, params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 201, description = "Recorded", body = AgreementDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(State(s): State<AppState>, Path(op): Path<String>, p: Principal, ip: ClientIp, JsonBody(input): JsonBody<AgreementInput>) -> ApiResult<(StatusCode, Json<AgreementDto>)> {
    let op = operation_exists(&s, &p, &op).await?;
    let terms = NewAgreement::parse(&input)?;
    let a = s.accounts.create_agreement(op, &terms, entry(&s, &p, "agreement.create", &ip, Some(terms.purpose.to_string()))).await?;
    Ok((StatusCode::CREATED, Json(dto(&a, s.now().date_naive()))))
}

#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "sharing", params(("id" = Uuid, Path, description = "Agreement")),
    responses((status = 200, description = "The agreement and its transfer log", body = AgreementDto), (status = 404, body = ErrorBody)))]
async fn one(State(s): State<AppState>, Path(id): Path<String>, p: Principal) -> ApiResult<Json<AgreementDto>> {
    let a = load(&s, &p, &id).await?;
    let mut d = dto(&a, s.now().date_naive());
    d.transfers = Some(s.accounts.transfers(a.id).await?.iter().map(TransferDto::from).collect());
    Ok(Json(d))
}

/// Why an agreement is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why (kept with the agreement).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/agreements/{id}/revoke", tag = "sharing", request_body = RevokeRequest, params(("id" = Uuid, Path, description = "Agreement")),
    responses((status = 200, body = AgreementDto), (status = 404, body = ErrorBody), (status = 422, description = "No reason, or already revoked", body = ErrorBody)))]
async fn revoke(State(s): State<AppState>, Path(id): Path<String>, p: Principal, ip: ClientIp, JsonBody(req): JsonBody<RevokeRequest>) -> ApiResult<Json<AgreementDto>> {
    let a = load(&s, &p, &id).await?;
    let reason = Reason::parse(&req.reason).map_err(|e| ApiError::field("reason", e.code, e.message))?;
    if !s.accounts.revoke_agreement(a.id, reason.as_str(), entry(&s, &p, "agreement.revoke", &ip, Some(reason.to_string()))).await? {
        return Err(StoreError::Rule { code: "already_revoked", message: "this agreement is already revoked; nothing was changed".into() }.into());
    }
    let a = load(&s, &p, &id).await?;
    Ok(Json(dto(&a, s.now().date_naive())))
}

/// Whose data to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Persons (at most 500).
    pub person_ids: Vec<String>,
}

/// What a transfer carried: the records to hand to the recipient, and who was left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferResult {
    /// The log entry of this transfer.
    pub transfer: TransferDto,
    /// Recipient, purpose and fields, to accompany the data.
    pub agreement: AgreementDto,
    /// One record per person sent, holding only the agreement's fields.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Value>,
    /// Persons left out, with the reason in words.
    pub refused: Vec<RefusedDto>,
}

/// A person left out of a transfer.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefusedDto {
    /// The person.
    pub person_id: Uuid,
    /// Stable code (`country_of_origin`).
    pub code: String,
    /// Why, in words.
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/agreements/{id}/transfers", tag = "sharing", request_body = TransferRequest, params(("id" = Uuid, Path, description = "Agreement")),
    responses((status = 201, description = "Logged; the records to send, and the persons left out with the reason", body = TransferResult),
        (status = 404, description = "No such agreement or person (or outside the user's operations)", body = ErrorBody),
        (status = 422, description = "The agreement is revoked, expired or not yet valid; or a person belongs to another operation", body = ErrorBody)))]
async fn transfer(State(s): State<AppState>, Path(id): Path<String>, p: Principal, ip: ClientIp, JsonBody(req): JsonBody<TransferRequest>) -> ApiResult<(StatusCode, Json<TransferResult>)> {
    let a = load(&s, &p, &id).await?;
    let today = s.now().date_naive();
    if let Some(r) = a.terms.inactive_on(today, a.revoked_at.is_some()) {
        return Err(StoreError::Rule { code: r.code(), message: format!("{r}; nothing was sent") }.into());
    }
    if req.person_ids.is_empty() || req.person_ids.len() > MAX_TRANSFER {
        return Err(ApiError::field("person_ids", "count", format!("send between 1 and {MAX_TRANSFER} persons per transfer")));
    }
    let mut e = ValidationErrors::new();
    let mut records = Vec::new();
    let (mut sent, mut refused, mut refused_dto) = (Vec::new(), Vec::new(), Vec::new());
    for (i, raw) in req.person_ids.iter().enumerate() {
        let pid: PersonId = parse_id("person", raw)?;
        let person = s.store.person(pid).await?.ok_or_else(|| not_found("person", raw))?;
        p.scope_case(person.operation_id, person.household_id, "person", raw)?;
        if person.operation_id != a.operation_id {
            e.push(format!("person_ids[{i}]"), nansen_domain::ParseError { code: "other_operation", message: "this person belongs to another operation than the agreement's".into() });
            continue;
        }
        if sent.contains(&pid.as_uuid()) {
            continue;
        }
        match a.terms.admits(&person.details) {
            Ok(()) => {
                let case = if a.terms.fields.contains(&SharedField::Household) {
                    s.store.household(person.household_id).await?.map(|h| h.household.case_number.to_string())
                } else {
                    None
                };
                let mut v = project(&a.terms, &person.details, case.as_deref(), Some(person.relationship.code()));
                v["person_id"] = serde_json::json!(pid.as_uuid());
                records.push(v);
                sent.push(pid.as_uuid());
            }
            Err(r) => {
                refused.push(RefusedPerson { person_id: pid.as_uuid(), code: r.code().into() });
                refused_dto.push(RefusedDto { person_id: pid.as_uuid(), code: r.code().into(), reason: r.to_string() });
            }
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let agreement = dto(&a, today);
    let document = serde_json::to_string(&serde_json::json!({"agreement": a.id, "records": records})).map_err(|x| ApiError::Store(StoreError::Corrupt(x.to_string())))?;
    let log = entry(&s, &p, "transfer", &ip, Some(format!("{} → {}", a.terms.purpose, a.terms.recipient.name)));
    let t = s.accounts.log_transfer(&a, &sent, &refused, &document, log).await?;
    Ok((StatusCode::CREATED, Json(TransferResult { transfer: TransferDto::from(&t), agreement, records, refused: refused_dto })))
}
