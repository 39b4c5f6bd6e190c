//! The JSON API under `/api/v1`, described by the OpenAPI 3.1 document at `/api/openapi.json`.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::auth::Principal;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nansen_domain::access::Permission;
use nansen_domain::{
    DeterminingAuthority, EntityKind, Event, HouseholdDetails, HouseholdId, HouseholdInput, Iso3, NewHousehold, Operation, OperationCode,
    OperationId, PersonDetails, PersonId, PersonInput, Reason, Relationship, ShortText, ValidationErrors,
};
use nansen_store::{HouseholdView, Meta, PersonRecord, SearchQuery, Store, MAX_PAGE};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

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
        crate::protection_api::request_repatriation, crate::protection_api::get_repatriation, crate::protection_api::get_status,
        crate::account_api::me, crate::account_api::change_password, crate::account_api::my_token, crate::account_api::list_users,
        crate::account_api::create_user, crate::account_api::get_user, crate::account_api::update_user, crate::account_api::user_token,
        crate::account_api::access_log,
        crate::duplicates_api::check, crate::duplicates_api::list, crate::duplicates_api::get_duplicate, crate::duplicates_api::dismiss,
        crate::duplicates_api::confirm, crate::duplicates_api::merge, crate::duplicates_api::unmerge,
        crate::sharing_api::list, crate::sharing_api::create, crate::sharing_api::one, crate::sharing_api::revoke, crate::sharing_api::transfer,
        crate::assignment_api::list, crate::assignment_api::assign, crate::assignment_api::end,
        crate::solutions_api::list_quotas, crate::solutions_api::set_quota, crate::solutions_api::submit, crate::solutions_api::list_submissions,
        crate::solutions_api::get_submission, crate::solutions_api::submission_history, crate::solutions_api::accept, crate::solutions_api::reject,
        crate::solutions_api::withdraw, crate::solutions_api::depart, crate::solutions_api::depart_repatriation
    ),
    components(schemas(
        ErrorBody, OperationDto, OperationInput, HouseholdDto, PersonDto, PersonPage, HouseholdInput, PersonInput, UpdatePersonRequest,
        UpdateHouseholdRequest, AddMemberRequest, HouseholdFieldsInput, Event,
        crate::protection_api::ClaimDto, crate::protection_api::LodgeClaimRequest, crate::protection_api::ActionRequest,
        crate::protection_api::ProtectionDto, crate::protection_api::ProtectionUpdateRequest, crate::protection_api::RemovalRequestBody,
        crate::protection_api::RemovalDto, crate::protection_api::ExecuteRemovalRequest, crate::protection_api::AssessRequest,
        crate::protection_api::AssessmentDto, crate::protection_api::JurisdictionDto, crate::protection_api::JurisdictionUpdateRequest,
        crate::protection_api::RepatriationBody, crate::protection_api::RepatriationDto, crate::protection_api::StatusDto,
        crate::account_api::UserDto, crate::account_api::MeDto, crate::account_api::PasswordChange, crate::account_api::TokenRequest,
        crate::account_api::TokenDto, crate::account_api::NewUserRequest, crate::account_api::UserUpdateRequest, crate::account_api::UserUpdateDto,
        crate::account_api::TotpDto,
        crate::duplicates_api::RegisteredDto, crate::duplicates_api::DuplicateMatchDto, crate::duplicates_api::FieldContributionDto,
        crate::duplicates_api::DuplicateCheckRequest, crate::duplicates_api::DuplicateCheckDto, crate::duplicates_api::DuplicateDto,
        crate::duplicates_api::DuplicatePage, crate::duplicates_api::DuplicateViewDto, crate::duplicates_api::DuplicateSideDto,
        crate::duplicates_api::DecisionRequest,
        crate::sharing_api::AgreementDto, crate::sharing_api::TransferDto, crate::sharing_api::RevokeRequest, crate::sharing_api::TransferRequest,
        crate::sharing_api::TransferResult, crate::sharing_api::RefusedDto, nansen_domain::sharing::AgreementInput, nansen_domain::sharing::SharedField,
        crate::assignment_api::AssignmentDto, crate::assignment_api::AssignRequest, crate::assignment_api::EndAssignmentRequest,
        crate::solutions_api::QuotaDto, crate::solutions_api::QuotaRequest, crate::solutions_api::SubmissionDto, crate::solutions_api::SubmissionPage,
        crate::solutions_api::SubmissionRequest, crate::solutions_api::AcceptRequest, crate::solutions_api::ReasonRequest, crate::solutions_api::DepartRequest,
        crate::solutions_api::ReturnDepartureRequest, crate::solutions_api::ReturnDepartureDto
    )),
    modifiers(&Security),
    tags(
        (name = "registration", description = "Persons and households"),
        (name = "operations", description = "Offices and their countries"),
        (name = "procedure", description = "Refugee status determination: claims, steps, assessments"),
        (name = "protection", description = "Protection records, the non-refoulement guard and removals"),
        (name = "jurisdictions", description = "Which instruments bind a country of asylum"),
        (name = "accounts", description = "Users, roles, tokens, case assignment and the access log"),
        (name = "duplicates", description = "The duplicate check at registration and the review queue: dismiss, confirm, merge, undo"),
        (name = "sharing", description = "Data-sharing agreements with third parties, and the logged transfers made under them"),
        (name = "solutions", description = "Durable solutions: resettlement States' yearly quotas, resettlement submissions and departures")
    ),
    security(("token" = []), ("session" = []))
)]
pub struct ApiDoc;

/// Declares how clients authenticate: an API token, or the browser's session cookie.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme("token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("An API token from `nansen user token` or POST /api/v1/me/tokens")).build()));
        c.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))));
    }
}

#[utoipa::path(get, path = "/api/openapi.json", responses((status = 200, description = "This document")))]
async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.merge(crate::stats_api::StatsDoc::openapi());
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
    /// Specific needs withheld from this viewer (health, violence, torture) for lack of the
    /// sensitive-read permission.
    #[serde(skip_serializing_if = "is_zero")]
    pub restricted_needs: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl PersonDto {
    /// The person as `viewer` may see it: without health, violence and torture needs unless their
    /// roles carry the sensitive-read permission (the count of hidden needs is shown instead).
    pub fn view(p: &PersonRecord, viewer: &Principal) -> Self {
        let mut d = Self::from(p);
        if !viewer.may(Permission::SensitiveRead) {
            let before = d.person.specific_needs.len();
            d.person.specific_needs = p.details.specific_needs.iter().filter(|n| !n.is_sensitive()).map(ToString::to_string).collect();
            d.restricted_needs = before - d.person.specific_needs.len();
        }
        d
    }
}

impl From<&PersonRecord> for PersonDto {
    fn from(p: &PersonRecord) -> Self {
        Self {
            restricted_needs: 0,
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

impl HouseholdDto {
    /// The household as `viewer` may see it (see [`PersonDto::view`]).
    pub fn view(v: &HouseholdView, viewer: &Principal) -> Self {
        let mut d = Self::from(v);
        d.members = v.members.iter().map(|m| PersonDto::view(m, viewer)).collect();
        d
    }
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

pub(crate) fn meta(s: &AppState, p: &Principal, reason: Option<&str>) -> ApiResult<Meta> {
    let mut m = Meta { actor: p.actor(), at: s.now(), reason: None };
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
async fn list_operations(State(s): State<AppState>, p: Principal) -> ApiResult<Json<Vec<OperationDto>>> {
    Ok(Json(s.store.operations().await?.iter().filter(|o| p.user.operations.includes(o.id)).map(OperationDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/operations", tag = "operations", request_body = OperationInput,
    responses((status = 201, body = OperationDto), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_operation(State(s): State<AppState>, p: Principal, JsonBody(input): JsonBody<OperationInput>) -> ApiResult<Response> {
    let mut e = ValidationErrors::new();
    let code = e.check("code", OperationCode::parse(&input.code));
    let name = e.check("name", ShortText::parse(&input.name));
    let country = e.check("country", Iso3::parse(&input.country));
    let op = e.finish(|| Some(Operation { id: OperationId::generate(), code: code?, name: name?, country: country?, authority: input.authority }))?;
    let op = s.store.create_operation(op, meta(&s, &p, None)?).await?;
    Ok((StatusCode::CREATED, Json(OperationDto::from(&op))).into_response())
}

/// The operation named in a path, if it exists and is one of the user's (else 404 either way).
pub(crate) async fn operation_exists(s: &AppState, p: &Principal, id: &str) -> ApiResult<OperationId> {
    let op: OperationId = parse_id("operation", id)?;
    p.scope(op, "operation", id)?;
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
    p: Principal,
    ip: crate::account_api::ClientIp,
    log: Option<crate::auth::LogSlot>,
    JsonBody(input): JsonBody<HouseholdInput>,
) -> ApiResult<Response> {
    let household = NewHousehold::parse(&input, s.now().date_naive())?;
    let op = operation_exists(&s, &p, &op).await?;
    let (r, duplicates) = register(&s, &p, op, household, meta(&s, &p, None)?, log.as_ref(), &ip).await?;
    let status = if r.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(crate::duplicates_api::RegisteredDto { household: HouseholdDto::view(&r.view, &p), duplicates })).into_response())
}

/// Registers a parsed household in `op` (the one path of the API and the registration page): one
/// transaction with its history events, then the duplicate check of the new members, whose likely
/// duplicates are queued for review and returned. A user limited to assigned cases is assigned the
/// case they registered, so that they can go on working on it. With `log` (an API request answered 201 when the
/// household is created), the request's access-log entry is written in the registration's own
/// transaction.
pub(crate) async fn register(
    s: &AppState,
    p: &Principal,
    op: OperationId,
    household: NewHousehold,
    m: Meta,
    log: Option<&crate::auth::LogSlot>,
    ip: &crate::account_api::ClientIp,
) -> ApiResult<(nansen_store::Registered, Vec<crate::duplicates_api::DuplicateMatchDto>)> {
    let entry = log.map(|l| l.entry(StatusCode::CREATED));
    let r = s.store.register_household_logged(op, household, m.clone(), entry).await?;
    if let (Some(l), true) = (log, r.created) {
        l.mark_logged(StatusCode::CREATED);
    }
    if r.created && p.cases.is_some() {
        crate::assignment_api::assign_to_registrar(s, p, ip, op, r.view.household.id).await;
    }
    let new: Vec<PersonId> = if r.created { r.view.members.iter().map(|p| p.id).collect() } else { Vec::new() };
    let duplicates = crate::duplicates_api::after_registration(s, p, op, &r.view, &new, &m).await?;
    Ok((r, duplicates))
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/persons", tag = "registration", request_body = PersonInput,
    params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 201, description = "Registered as the principal applicant of a new household, with the likely duplicates found (queued for review)", body = crate::duplicates_api::RegisteredDto), (status = 422, body = ErrorBody)))]
async fn register_person(
    State(s): State<AppState>,
    Path(op): Path<String>,
    p: Principal,
    ip: crate::account_api::ClientIp,
    log: Option<crate::auth::LogSlot>,
    JsonBody(input): JsonBody<PersonInput>,
) -> ApiResult<Response> {
    let person = PersonDetails::parse(&input, s.now().date_naive())?;
    let op = operation_exists(&s, &p, &op).await?;
    let household = NewHousehold { details: HouseholdDetails::default(), members: vec![(Relationship::PrincipalApplicant, person)] };
    let (r, duplicates) = register(&s, &p, op, household, meta(&s, &p, None)?, log.as_ref(), &ip).await?;
    Ok((StatusCode::CREATED, Json(crate::duplicates_api::RegisteredDto { household: HouseholdDto::view(&r.view, &p), duplicates })).into_response())
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registration", params(("id" = Uuid, Path, description = "Household")),
    responses((status = 200, body = HouseholdDto, headers(("ETag" = String, description = "The version"))), (status = 404, body = ErrorBody)))]
async fn get_household(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let v = load_household(&s, &p, &id).await?;
    Ok(with_etag(v.household.version, Json(HouseholdDto::view(&v, &p))))
}

#[utoipa::path(put, path = "/api/v1/households/{id}", tag = "registration", request_body = UpdateHouseholdRequest, params(("id" = Uuid, Path, description = "Household")),
    responses((status = 200, body = HouseholdDto), (status = 409, description = "Stale version", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_household(
    State(s): State<AppState>,
    Path(id): Path<String>,
    p: Principal,
    JsonBody(req): JsonBody<UpdateHouseholdRequest>,
) -> ApiResult<Response> {
    let current = load_household(&s, &p, &id).await?;
    let hid = current.household.id;
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
    let m = meta(&s, &p, req.reason.as_deref())?;
    s.store.update_household(hid, req.version, details, m).await?;
    let v = s.store.household(hid).await?.ok_or_else(|| not_found("household", &id))?;
    Ok(with_etag(v.household.version, Json(HouseholdDto::view(&v, &p))))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/members", tag = "registration", request_body = AddMemberRequest, params(("id" = Uuid, Path, description = "Household")),
    responses((status = 201, body = PersonDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_member(
    State(s): State<AppState>,
    Path(id): Path<String>,
    p: Principal,
    JsonBody(req): JsonBody<AddMemberRequest>,
) -> ApiResult<Response> {
    let hid = load_household(&s, &p, &id).await?.household.id;
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
    let m = meta(&s, &p, req.reason.as_deref())?;
    let added = s.store.add_member(hid, req.version, rel, person, m.clone()).await?;
    if let Some(view) = s.store.household(hid).await? {
        crate::duplicates_api::after_registration(&s, &p, added.operation_id, &view, &[added.id], &m).await?;
    }
    Ok((StatusCode::CREATED, Json(PersonDto::view(&added, &p))).into_response())
}

#[utoipa::path(get, path = "/api/v1/households/{id}/history", tag = "registration", params(("id" = Uuid, Path, description = "Household")),
    responses((status = 200, body = [Event]), (status = 404, body = ErrorBody)))]
async fn household_history(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Vec<Event>>> {
    let hid = load_household(&s, &p, &id).await?.household.id;
    let h = s.store.history(EntityKind::Household, hid.as_uuid()).await?;
    Ok(Json(redact_events(h, &p)))
}

#[utoipa::path(get, path = "/api/v1/persons", tag = "registration", params(SearchParams),
    responses((status = 200, body = PersonPage), (status = 400, body = ErrorBody)))]
async fn search_persons(State(s): State<AppState>, p: Principal, Query(params): Query<SearchParams>) -> ApiResult<Json<PersonPage>> {
    let q = scoped_search(&p, search_query(&params)?)?;
    let page = s.store.search(&q).await?;
    let items = page.items.iter().filter(|x| p.disclosure(&x.details.citizenship, "person", "").is_ok()).map(|x| PersonDto::view(x, &p)).collect();
    Ok(Json(PersonPage { items, total: page.total, limit: page.limit, offset: page.offset }))
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
        assigned_to: None,
        limit: num("limit", &p.limit, 50, MAX_PAGE)?.max(1),
        offset: num("offset", &p.offset, 0, 1_000_000)?,
    })
}

#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "registration", params(("id" = Uuid, Path, description = "Person")),
    responses((status = 200, body = PersonDto, headers(("ETag" = String, description = "The version"))), (status = 404, body = ErrorBody)))]
async fn get_person(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let person = load_person(&s, &p, &id).await?;
    Ok(with_etag(person.version, Json(PersonDto::view(&person, &p))))
}

#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "registration", request_body = UpdatePersonRequest, params(("id" = Uuid, Path, description = "Person")),
    responses((status = 200, body = PersonDto), (status = 409, description = "Stale version: the body holds current_version", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_person(
    State(s): State<AppState>,
    Path(id): Path<String>,
    p: Principal,
    JsonBody(req): JsonBody<UpdatePersonRequest>,
) -> ApiResult<Response> {
    let current = load_person(&s, &p, &id).await?;
    let mut details = PersonDetails::parse(&req.person, s.now().date_naive()).map_err(|e| {
        let mut v = ValidationErrors::new();
        v.extend_prefixed("person", e);
        v
    })?;
    if !p.may(Permission::SensitiveRead) {
        // The editor never saw the sensitive needs, so their absence is not a removal: keep them.
        for n in current.details.specific_needs.iter().filter(|n| n.is_sensitive()) {
            if !details.specific_needs.contains(n) {
                details.specific_needs.push(*n);
            }
        }
    }
    let updated = s.store.update_person(current.id, req.version, details, meta(&s, &p, req.reason.as_deref())?).await?;
    crate::duplicates_api::after_update(&s, &updated).await;
    Ok(with_etag(updated.version, Json(PersonDto::view(&updated, &p))))
}

#[utoipa::path(get, path = "/api/v1/persons/{id}/history", tag = "registration", params(("id" = Uuid, Path, description = "Person")),
    responses((status = 200, body = [Event]), (status = 404, body = ErrorBody)))]
async fn person_history(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Vec<Event>>> {
    let person = load_person(&s, &p, &id).await?;
    let h = s.store.history(EntityKind::Person, person.id.as_uuid()).await?;
    Ok(Json(redact_events(h, &p)))
}

/// A person the user may see: in one of their operations and not a citizen of the State they act
/// for. Anything else is the same 404 as a person that does not exist.
pub(crate) async fn load_person(s: &AppState, p: &Principal, id: &str) -> ApiResult<PersonRecord> {
    let pid: PersonId = parse_id("person", id)?;
    let person = s.store.person(pid).await?.ok_or_else(|| not_found("person", id))?;
    p.scope_case(person.operation_id, person.household_id, "person", id)?;
    p.disclosure(&person.details.citizenship, "person", id)?;
    Ok(person)
}

/// For a user limited to assigned cases: Ok only when every person named is registered in one of
/// those cases, else the same 404 as a missing `kind` (a record naming anyone else stays hidden,
/// and they cannot name anyone else in a request). Always Ok for other users.
pub(crate) async fn scope_persons(s: &AppState, p: &Principal, persons: Vec<PersonId>, kind: &'static str, id: &str) -> ApiResult<()> {
    let Some(cases) = &p.cases else { return Ok(()) };
    for pid in persons {
        if !s.store.person(pid).await?.is_some_and(|x| cases.contains(&x.household_id)) {
            return Err(not_found(kind, id));
        }
    }
    Ok(())
}

/// For a user limited to assigned cases: Ok only when every participant of the repatriation request
/// whose first event is `first` is in those cases (else 404). Always Ok for other users.
pub(crate) async fn scope_repatriation(s: &AppState, p: &Principal, first: &Event, id: &str) -> ApiResult<()> {
    if p.cases.is_none() {
        return Ok(());
    }
    let r = serde_json::from_value::<nansen_domain::convention::guard::VoluntaryRepatriation>(first.data["request"].clone()).map_err(|_| not_found("repatriation", id))?;
    scope_persons(s, p, r.participants.iter().map(|x| x.person()).collect(), "repatriation", id).await
}

/// A household the user may see (see [`load_person`]; every member is checked).
pub(crate) async fn load_household(s: &AppState, p: &Principal, id: &str) -> ApiResult<HouseholdView> {
    let hid: HouseholdId = parse_id("household", id)?;
    let v = s.store.household(hid).await?.ok_or_else(|| not_found("household", id))?;
    p.scope_case(v.household.operation_id, v.household.id, "household", id)?;
    for m in &v.members {
        p.disclosure(&m.details.citizenship, "household", id)?;
    }
    Ok(v)
}

/// A search limited to the user's operations: a user of one operation searches it; a user of several
/// names one; an operation outside the scope is refused like a missing one.
pub(crate) fn scoped_search(p: &Principal, mut q: SearchQuery) -> ApiResult<SearchQuery> {
    q.assigned_to = p.assigned_to();
    match (&p.user.operations, q.operation) {
        (_, Some(op)) => p.scope(op, "operation", &op.to_string())?,
        (nansen_store::accounts::OperationScope::All, None) => {}
        (nansen_store::accounts::OperationScope::Only(v), None) if v.len() == 1 => q.operation = v.first().copied(),
        (nansen_store::accounts::OperationScope::Only(_), None) => {
            return Err(ApiError::BadQuery { field: "operation".into(), message: "you work in several operations: name the one to search with operation=ID".into() })
        }
    }
    Ok(q)
}

/// History events as `viewer` may see them: sensitive specific needs removed from the recorded
/// values unless their roles carry the sensitive-read permission.
pub(crate) fn redact_events(mut events: Vec<Event>, viewer: &Principal) -> Vec<Event> {
    if viewer.may(Permission::SensitiveRead) {
        return events;
    }
    fn sensitive(v: &serde_json::Value) -> bool {
        v.as_str().and_then(|c| nansen_domain::person::SpecificNeed::parse(c).ok()).is_some_and(|n| n.is_sensitive())
    }
    // Every array below a `specific_needs` key (the value itself, or the before/after of a change).
    fn walk(v: &mut serde_json::Value, in_needs: bool) {
        match v {
            serde_json::Value::Object(m) => m.iter_mut().for_each(|(k, x)| walk(x, in_needs || k == "specific_needs")),
            serde_json::Value::Array(a) => {
                if in_needs {
                    a.retain(|n| !sensitive(n));
                }
                a.iter_mut().for_each(|x| walk(x, in_needs));
            }
            serde_json::Value::String(_) if in_needs && sensitive(v) => *v = serde_json::Value::String("restricted".into()),
            _ => {}
        }
    }
    for e in &mut events {
        walk(&mut e.data, false);
    }
    events
}
