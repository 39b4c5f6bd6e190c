//! The JSON API under `/api/v1`, described by the OpenAPI 3.1 document at `/api/openapi.json`.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nansen_domain::{
    Actor, DeterminingAuthority, EntityKind, Event, HouseholdDetails, HouseholdId, HouseholdInput, Iso3, NewHousehold, Operation, OperationCode,
    OperationId, PersonDetails, PersonId, PersonInput, Reason, Relationship, ShortText, ValidationErrors,
};
use nansen_store::{HouseholdView, Meta, PersonRecord, SearchQuery, Store, MAX_PAGE};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The header that names the acting user until sign-in lands (see ARCHITECTURE.md).
pub const ACTOR_HEADER: &str = "x-nansen-actor";

/// Routes of the API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/operations", get(list_operations).post(create_operation))
        .route("/api/v1/operations/{operation_id}/households", axum::routing::post(register_household))
        .route("/api/v1/operations/{operation_id}/persons", axum::routing::post(register_person))
        .route("/api/v1/households/{id}", get(get_household).put(update_household))
        .route("/api/v1/households/{id}/members", axum::routing::post(add_member))
        .route("/api/v1/households/{id}/history", get(household_history))
        .route("/api/v1/persons", get(search_persons))
        .route("/api/v1/persons/{id}", get(get_person).put(update_person))
        .route("/api/v1/persons/{id}/history", get(person_history))
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Nansen API",
        description = "Registration of persons and households for refugee protection. Every write is recorded in an append-only history; updates name the version they were based on and get 409 on a stale version.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        crate::healthz, openapi, list_operations, create_operation, register_household, register_person, get_household, update_household, add_member,
        household_history, search_persons, get_person, update_person, person_history,
        crate::protection_api::lodge_claim, crate::protection_api::claims_of_person, crate::protection_api::get_claim,
        crate::protection_api::act_on_claim, crate::protection_api::claim_history, crate::protection_api::assess_claim,
        crate::protection_api::claim_assessments, crate::protection_api::assess_facts, crate::protection_api::get_protection,
        crate::protection_api::put_protection, crate::protection_api::request_removal, crate::protection_api::get_removal,
        crate::protection_api::execute_removal, crate::protection_api::get_jurisdiction, crate::protection_api::put_jurisdiction,
        crate::protection_api::request_repatriation, crate::protection_api::get_repatriation,
        crate::duplicates_api::check, crate::duplicates_api::list, crate::duplicates_api::get_duplicate, crate::duplicates_api::dismiss,
        crate::duplicates_api::confirm, crate::duplicates_api::merge, crate::duplicates_api::unmerge
    ),
    components(schemas(
        ErrorBody, OperationDto, OperationInput, HouseholdDto, PersonDto, PersonPage, HouseholdInput, PersonInput, UpdatePersonRequest,
        UpdateHouseholdRequest, AddMemberRequest, HouseholdFieldsInput, Event,
        crate::protection_api::ClaimDto, crate::protection_api::LodgeClaimRequest, crate::protection_api::ActionRequest,
        crate::protection_api::ProtectionDto, crate::protection_api::ProtectionUpdateRequest, crate::protection_api::RemovalRequestBody,
        crate::protection_api::RemovalDto, crate::protection_api::ExecuteRemovalRequest, crate::protection_api::AssessRequest,
        crate::protection_api::AssessmentDto, crate::protection_api::JurisdictionDto, crate::protection_api::JurisdictionUpdateRequest,
        crate::protection_api::RepatriationBody, crate::protection_api::RepatriationDto,
        crate::duplicates_api::RegisteredDto, crate::duplicates_api::DuplicateMatchDto, crate::duplicates_api::FieldContributionDto,
        crate::duplicates_api::DuplicateCheckRequest, crate::duplicates_api::DuplicateCheckDto, crate::duplicates_api::DuplicateDto,
        crate::duplicates_api::DuplicatePage, crate::duplicates_api::DuplicateViewDto, crate::duplicates_api::DuplicateSideDto,
        crate::duplicates_api::DecisionRequest
    )),
    tags(
        (name = "registration", description = "Persons and households"),
        (name = "operations", description = "Offices and their countries"),
        (name = "procedure", description = "Refugee status determination: claims, steps, assessments"),
        (name = "protection", description = "Protection records, the non-refoulement guard and removals"),
        (name = "jurisdictions", description = "Which instruments bind a country of asylum"),
        (name = "duplicates", description = "The duplicate check at registration and the review queue: dismiss, confirm, merge, undo")
    )
)]
pub struct ApiDoc;

#[utoipa::path(get, path = "/api/openapi.json", responses((status = 200, description = "This document")))]
async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    Json(doc).into_response()
}

/// An operation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OperationDto {
    /// Identifier.
    pub id: Uuid,
    /// Short code, e.g. `KEN-KAK`.
    pub code: String,
    /// Name.
    pub name: String,
    /// ISO3 country of asylum.
    pub country: String,
    /// Country name.
    pub country_name: String,
    /// Who determines refugee status.
    pub authority: DeterminingAuthority,
}

impl From<&Operation> for OperationDto {
    fn from(o: &Operation) -> Self {
        Self {
            id: o.id.as_uuid(),
            code: o.code.to_string(),
            name: o.name.to_string(),
            country: o.country.to_string(),
            country_name: o.country.name().to_string(),
            authority: o.authority,
        }
    }
}

/// A new operation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationInput {
    /// Short code.
    pub code: String,
    /// Name.
    pub name: String,
    /// ISO3 country of asylum.
    pub country: String,
    /// `state`, `unhcr_mandate` or `joint`.
    pub authority: DeterminingAuthority,
}

/// A person as the API shows it: the record's metadata and the biodata in the same shape as [`PersonInput`].
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    /// Identifier.
    pub id: Uuid,
    /// Operation.
    pub operation_id: Uuid,
    /// Household.
    pub household_id: Uuid,
    /// Relationship to the principal applicant.
    pub relationship: Relationship,
    /// Version to send back with an update.
    pub version: i64,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// Biodata.
    pub person: PersonInput,
    /// When this record was merged as a duplicate: the surviving record to use instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
}

impl From<&PersonRecord> for PersonDto {
    fn from(p: &PersonRecord) -> Self {
        Self {
            id: p.id.as_uuid(),
            operation_id: p.operation_id.as_uuid(),
            household_id: p.household_id.as_uuid(),
            relationship: p.relationship,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
            person: p.details.to_input(),
            merged_into: p.merged_into.map(|m| m.as_uuid()),
        }
    }
}

/// A household with its members.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdDto {
    /// Identifier.
    pub id: Uuid,
    /// Operation.
    pub operation_id: Uuid,
    /// Case number.
    pub case_number: String,
    /// Version to send back with an update.
    pub version: i64,
    /// Stable external key.
    pub registration_key: Option<String>,
    /// Arrival date.
    pub arrival_date: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// Members, principal applicant first.
    pub members: Vec<PersonDto>,
}

impl From<&HouseholdView> for HouseholdDto {
    fn from(v: &HouseholdView) -> Self {
        let h = &v.household;
        Self {
            id: h.id.as_uuid(),
            operation_id: h.operation_id.as_uuid(),
            case_number: h.case_number.to_string(),
            version: h.version,
            registration_key: h.details.registration_key.as_ref().map(|k| k.to_string()),
            arrival_date: h.details.arrival_date.map(|d| d.to_string()),
            address: h.details.address.as_ref().map(|a| a.to_string()),
            created_at: h.created_at,
            updated_at: h.updated_at,
            members: v.members.iter().map(PersonDto::from).collect(),
        }
    }
}

/// One page of persons.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonPage {
    /// The persons on this page.
    pub items: Vec<PersonDto>,
    /// All matches.
    pub total: i64,
    /// Page size.
    pub limit: u32,
    /// Offset.
    pub offset: u32,
}

/// A change to a person's biodata.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePersonRequest {
    /// The version the change was based on (from GET).
    pub version: i64,
    /// Why the record changes (kept in the history).
    pub reason: Option<String>,
    /// The complete corrected biodata.
    pub person: PersonInput,
}

/// Household-level fields.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdFieldsInput {
    /// `YYYY-MM-DD`.
    pub arrival_date: Option<String>,
    /// Address or location.
    pub address: Option<String>,
}

/// A change to household-level data.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateHouseholdRequest {
    /// The version the change was based on.
    pub version: i64,
    /// Why.
    pub reason: Option<String>,
    /// The complete household-level data.
    pub household: HouseholdFieldsInput,
}

/// A new member for an existing household.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// The household version the addition was based on.
    pub version: i64,
    /// Relationship to the principal applicant (not PA).
    pub relationship: String,
    /// Why.
    pub reason: Option<String>,
    /// The member's biodata.
    pub person: PersonInput,
}

/// Search parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// Name words in either script; accents and case are ignored; each word matches the start of a name word.
    pub name: Option<String>,
    /// Case number.
    pub case_number: Option<String>,
    /// Document number.
    pub document_number: Option<String>,
    /// Operation identifier.
    pub operation: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// Rows to skip (default 0).
    pub offset: Option<String>,
}

pub(crate) fn actor(headers: &HeaderMap) -> ApiResult<Actor> {
    match headers.get(ACTOR_HEADER) {
        None => Actor::parse("api").map_err(|e| ApiError::field(ACTOR_HEADER, e.code, e.message)),
        Some(v) => {
            let s = v.to_str().map_err(|_| ApiError::field(ACTOR_HEADER, "invalid_actor", "the actor header must be plain ASCII"))?;
            Actor::parse(s).map_err(|e| ApiError::field(ACTOR_HEADER, e.code, e.message))
        }
    }
}

pub(crate) fn meta(s: &AppState, headers: &HeaderMap, reason: Option<&str>) -> ApiResult<Meta> {
    let mut m = Meta { actor: actor(headers)?, at: s.now(), reason: None };
    if let Some(r) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        m.reason = Some(Reason::parse(r).map_err(|e| ApiError::field("reason", e.code, e.message))?);
    }
    Ok(m)
}



pub(crate) fn not_found(kind: &'static str, id: &str) -> ApiError {
    ApiError::Store(nansen_store::StoreError::NotFound { kind, id: id.to_string() })
}

pub(crate) fn parse_id<T: std::str::FromStr>(kind: &'static str, s: &str) -> ApiResult<T> {
    // A malformed identifier names nothing: answer as for any record that is not there.
    s.parse().map_err(|_| not_found(kind, s))
}

pub(crate) fn with_etag(version: i64, body: impl IntoResponse) -> Response {
    let mut r = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

#[utoipa::path(get, path = "/api/v1/operations", tag = "operations", responses((status = 200, body = [OperationDto])))]
async fn list_operations(State(s): State<AppState>) -> ApiResult<Json<Vec<OperationDto>>> {
    Ok(Json(s.store.operations().await?.iter().map(OperationDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/operations", tag = "operations", request_body = OperationInput,
    responses((status = 201, body = OperationDto), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_operation(State(s): State<AppState>, headers: HeaderMap, JsonBody(input): JsonBody<OperationInput>) -> ApiResult<Response> {
    let mut e = ValidationErrors::new();
    let code = e.check("code", OperationCode::parse(&input.code));
    let name = e.check("name", ShortText::parse(&input.name));
    let country = e.check("country", Iso3::parse(&input.country));
    let op = e.finish(|| Some(Operation { id: OperationId::generate(), code: code?, name: name?, country: country?, authority: input.authority }))?;
    let op = s.store.create_operation(op, meta(&s, &headers, None)?).await?;
    Ok((StatusCode::CREATED, Json(OperationDto::from(&op))).into_response())
}

pub(crate) async fn operation_exists(s: &AppState, id: &str) -> ApiResult<OperationId> {
    let op: OperationId = parse_id("operation", id)?;
    if !s.operation_exists(op).await? {
        return Err(not_found("operation", id));
    }
    Ok(op)
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/households", tag = "registration", request_body = HouseholdInput,
    params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 201, description = "Registered, with the likely duplicates found (queued for review)", body = crate::duplicates_api::RegisteredDto), (status = 200, description = "Already registered under this registration key; nothing written", body = crate::duplicates_api::RegisteredDto),
        (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn register_household(
    State(s): State<AppState>,
    Path(op): Path<String>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<HouseholdInput>,
) -> ApiResult<Response> {
    let household = NewHousehold::parse(&input, s.now().date_naive())?;
    let op = operation_exists(&s, &op).await?;
    let m = meta(&s, &headers, None)?;
    let r = s.store.register_household(op, household, m.clone()).await?;
    let status = if r.created { StatusCode::CREATED } else { StatusCode::OK };
    let new: Vec<PersonId> = if r.created { r.view.members.iter().map(|p| p.id).collect() } else { Vec::new() };
    let duplicates = crate::duplicates_api::after_registration(&s, op, &r.view, &new, &m).await?;
    Ok((status, Json(crate::duplicates_api::RegisteredDto { household: HouseholdDto::from(&r.view), duplicates })).into_response())
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/persons", tag = "registration", request_body = PersonInput,
    params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 201, description = "Registered as the principal applicant of a new household, with the likely duplicates found (queued for review)", body = crate::duplicates_api::RegisteredDto), (status = 422, body = ErrorBody)))]
async fn register_person(
    State(s): State<AppState>,
    Path(op): Path<String>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<PersonInput>,
) -> ApiResult<Response> {
    let person = PersonDetails::parse(&input, s.now().date_naive())?;
    let op = operation_exists(&s, &op).await?;
    let household = NewHousehold { details: HouseholdDetails::default(), members: vec![(Relationship::PrincipalApplicant, person)] };
    let m = meta(&s, &headers, None)?;
    let r = s.store.register_household(op, household, m.clone()).await?;
    let new: Vec<PersonId> = r.view.members.iter().map(|p| p.id).collect();
    let duplicates = crate::duplicates_api::after_registration(&s, op, &r.view, &new, &m).await?;
    Ok((StatusCode::CREATED, Json(crate::duplicates_api::RegisteredDto { household: HouseholdDto::from(&r.view), duplicates })).into_response())
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registration", params(("id" = Uuid, Path, description = "Household")),
    responses((status = 200, body = HouseholdDto, headers(("ETag" = String, description = "The version"))), (status = 404, body = ErrorBody)))]
async fn get_household(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let hid: HouseholdId = parse_id("household", &id)?;
    let v = s.store.household(hid).await?.ok_or_else(|| not_found("household", &id))?;
    Ok(with_etag(v.household.version, Json(HouseholdDto::from(&v))))
}

#[utoipa::path(put, path = "/api/v1/households/{id}", tag = "registration", request_body = UpdateHouseholdRequest, params(("id" = Uuid, Path, description = "Household")),
    responses((status = 200, body = HouseholdDto), (status = 409, description = "Stale version", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_household(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<UpdateHouseholdRequest>,
) -> ApiResult<Response> {
    let hid: HouseholdId = parse_id("household", &id)?;
    let current = s.store.household(hid).await?.ok_or_else(|| not_found("household", &id))?;
    let input = HouseholdInput {
        registration_key: current.household.details.registration_key.as_ref().map(|k| k.to_string()),
        arrival_date: req.household.arrival_date,
        address: req.household.address,
        members: Vec::new(),
    };
    let mut e = ValidationErrors::new();
    let details = HouseholdDetails::parse_fields(&input, s.now().date_naive(), &mut e);
    let mut prefixed = ValidationErrors::new();
    prefixed.extend_prefixed("household", e);
    if !prefixed.is_empty() {
        return Err(prefixed.into());
    }
    let m = meta(&s, &headers, req.reason.as_deref())?;
    s.store.update_household(hid, req.version, details, m).await?;
    let v = s.store.household(hid).await?.ok_or_else(|| not_found("household", &id))?;
    Ok(with_etag(v.household.version, Json(HouseholdDto::from(&v))))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/members", tag = "registration", request_body = AddMemberRequest, params(("id" = Uuid, Path, description = "Household")),
    responses((status = 201, body = PersonDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_member(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AddMemberRequest>,
) -> ApiResult<Response> {
    let hid: HouseholdId = parse_id("household", &id)?;
    let mut e = ValidationErrors::new();
    let rel = e.check("relationship", Relationship::parse(&req.relationship));
    if rel == Some(Relationship::PrincipalApplicant) {
        e.push("relationship", nansen_domain::ParseError { code: "principal_applicant", message: "the household already has its principal applicant; choose another relationship".into() });
    }
    let person = match PersonDetails::parse(&req.person, s.now().date_naive()) {
        Ok(p) => Some(p),
        Err(pe) => {
            e.extend_prefixed("person", pe);
            None
        }
    };
    let (rel, person) = e.finish(|| Some((rel?, person?)))?;
    let m = meta(&s, &headers, req.reason.as_deref())?;
    let p = s.store.add_member(hid, req.version, rel, person, m.clone()).await?;
    if let Some(view) = s.store.household(hid).await? {
        crate::duplicates_api::after_registration(&s, p.operation_id, &view, &[p.id], &m).await?;
    }
    Ok((StatusCode::CREATED, Json(PersonDto::from(&p))).into_response())
}

#[utoipa::path(get, path = "/api/v1/households/{id}/history", tag = "registration", params(("id" = Uuid, Path, description = "Household")),
    responses((status = 200, body = [Event]), (status = 404, body = ErrorBody)))]
async fn household_history(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Vec<Event>>> {
    let hid: HouseholdId = parse_id("household", &id)?;
    let h = s.store.history(EntityKind::Household, hid.as_uuid()).await?;
    if h.is_empty() {
        return Err(not_found("household", &id));
    }
    Ok(Json(h))
}

#[utoipa::path(get, path = "/api/v1/persons", tag = "registration", params(SearchParams),
    responses((status = 200, body = PersonPage), (status = 400, body = ErrorBody)))]
async fn search_persons(State(s): State<AppState>, Query(p): Query<SearchParams>) -> ApiResult<Json<PersonPage>> {
    let q = search_query(&p)?;
    let page = s.store.search(&q).await?;
    Ok(Json(PersonPage { items: page.items.iter().map(PersonDto::from).collect(), total: page.total, limit: page.limit, offset: page.offset }))
}

pub(crate) fn search_query(p: &SearchParams) -> ApiResult<SearchQuery> {
    let bad = |field: &str, message: String| ApiError::BadQuery { field: field.into(), message };
    let num = |field: &str, v: &Option<String>, default: u32, max: u32| -> ApiResult<u32> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(t) => t.parse::<u32>().ok().filter(|n| *n <= max).ok_or_else(|| bad(field, format!("{field} must be a whole number from 0 to {max}"))),
        }
    };
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let case_number = match nonempty(&p.case_number) {
        None => None,
        Some(c) => Some(nansen_domain::CaseNumber::parse(&c).map_err(|e| bad("case_number", e.message))?),
    };
    let operation = match nonempty(&p.operation) {
        None => None,
        Some(o) => Some(o.parse::<OperationId>().map_err(|_| bad("operation", "operation must be an operation identifier (UUID)".into()))?),
    };
    let name = nonempty(&p.name);
    if name.as_ref().map(|n| n.chars().count() > 200).unwrap_or(false) {
        return Err(bad("name", "search with at most 200 characters".into()));
    }
    Ok(SearchQuery {
        operation,
        name,
        case_number,
        document_number: nonempty(&p.document_number),
        limit: num("limit", &p.limit, 50, MAX_PAGE)?.max(1),
        offset: num("offset", &p.offset, 0, 1_000_000)?,
    })
}

#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "registration", params(("id" = Uuid, Path, description = "Person")),
    responses((status = 200, body = PersonDto, headers(("ETag" = String, description = "The version"))), (status = 404, body = ErrorBody)))]
async fn get_person(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let pid: PersonId = parse_id("person", &id)?;
    let p = s.store.person(pid).await?.ok_or_else(|| not_found("person", &id))?;
    Ok(with_etag(p.version, Json(PersonDto::from(&p))))
}

#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "registration", request_body = UpdatePersonRequest, params(("id" = Uuid, Path, description = "Person")),
    responses((status = 200, body = PersonDto), (status = 409, description = "Stale version: the body holds current_version", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_person(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<UpdatePersonRequest>,
) -> ApiResult<Response> {
    let pid: PersonId = parse_id("person", &id)?;
    let details = PersonDetails::parse(&req.person, s.now().date_naive()).map_err(|e| {
        let mut p = ValidationErrors::new();
        p.extend_prefixed("person", e);
        p
    })?;
    let p = s.store.update_person(pid, req.version, details, meta(&s, &headers, req.reason.as_deref())?).await?;
    crate::duplicates_api::after_update(&s, &p).await;
    Ok(with_etag(p.version, Json(PersonDto::from(&p))))
}

#[utoipa::path(get, path = "/api/v1/persons/{id}/history", tag = "registration", params(("id" = Uuid, Path, description = "Person")),
    responses((status = 200, body = [Event]), (status = 404, body = ErrorBody)))]
async fn person_history(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Vec<Event>>> {
    let pid: PersonId = parse_id("person", &id)?;
    let h = s.store.history(EntityKind::Person, pid.as_uuid()).await?;
    if h.is_empty() {
        return Err(not_found("person", &id));
    }
    Ok(Json(h))
}
