//! The protection procedure over the API: claims and their steps, assessments, protection records,
//! the non-refoulement guard and removals, jurisdiction profiles.

use crate::api::{load_person, meta, not_found, operation_exists, parse_id, with_etag};
use crate::auth::Principal;
use nansen_domain::access::{Permission, Role as StaffRole};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nansen_domain::convention::assessment::{assess, Facts};
use nansen_domain::convention::guard::{RemovalKind, RemovalRequest};
use nansen_domain::convention::procedure::{pending, Action, ProcedureRules, Track};
use nansen_domain::convention::JurisdictionProfile;
use nansen_domain::protection::{recorded_status, ProtectionRecord};
use nansen_domain::{ClaimId, EntityKind, Event, Iso3, PersonId, Reason, RemovalId, ValidationErrors};
use nansen_store::{AssessmentRecord, ClaimRecord, Protection, ProtectionView, RemovalView, Store};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/persons/{id}/claims", post(lodge_claim).get(claims_of_person))
        .route("/api/v1/claims/{id}", get(get_claim))
        .route("/api/v1/claims/{id}/actions", post(act_on_claim))
        .route("/api/v1/claims/{id}/history", get(claim_history))
        .route("/api/v1/claims/{id}/assessments", post(assess_claim).get(claim_assessments))
        .route("/api/v1/assess", post(assess_facts))
        .route("/api/v1/persons/{id}/protection", get(get_protection).put(put_protection))
        .route("/api/v1/persons/{id}/status", get(get_status))
        .route("/api/v1/operations/{operation_id}/removals", post(request_removal))
        .route("/api/v1/removals/{id}", get(get_removal))
        .route("/api/v1/removals/{id}/execute", post(execute_removal))
        .route("/api/v1/jurisdictions/{country}", get(get_jurisdiction).put(put_jurisdiction))
        .route("/api/v1/operations/{operation_id}/repatriations", post(request_repatriation))
        .route("/api/v1/repatriations/{id}", get(get_repatriation))
}

/// A claim with where it stands, its deadlines and what may be done next.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimDto {
    /// Identifier.
    pub id: Uuid,
    /// Operation.
    pub operation_id: Uuid,
    /// The claimant.
    pub person_id: Uuid,
    /// Version to send back with the next action.
    pub version: i64,
    /// The procedure's state: track, stage (with its data), since, lodged_on.
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
    /// True while the claim, review or appeal is pending or the appeal window is open (suspensive effect).
    pub pending: bool,
    /// The time limits running now.
    #[schema(value_type = Vec<Object>)]
    pub deadlines: serde_json::Value,
    /// The actions the state machine allows now.
    #[schema(value_type = Vec<String>)]
    pub allowed_actions: serde_json::Value,
    /// Lodged at.
    pub created_at: DateTime<Utc>,
    /// Last step at.
    pub updated_at: DateTime<Utc>,
}

fn claim_dto(c: &ClaimRecord, today: chrono::NaiveDate, viewer: &Principal) -> ClaimDto {
    let rules = ProcedureRules::default();
    let mut state = serde_json::to_value(&c.state).unwrap_or_default();
    if !viewer.may(Permission::SensitiveRead) {
        redact_reasons(&mut state);
    }
    ClaimDto {
        id: c.id.as_uuid(),
        operation_id: c.operation_id.as_uuid(),
        person_id: c.person_id.as_uuid(),
        version: c.version,
        state,
        pending: pending(&c.state, today),
        deadlines: serde_json::to_value(rules.deadlines(&c.state)).unwrap_or_default(),
        allowed_actions: serde_json::to_value(rules.allowed_actions(&c.state)).unwrap_or_default(),
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

/// Lodging a claim.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LodgeClaimRequest {
    /// `regular`, `accelerated`, `simplified` or `prima_facie`.
    #[schema(value_type = String)]
    pub track: Track,
    /// Note for the file.
    pub reason: Option<String>,
}

/// One step of the procedure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// The claim version the step is based on.
    pub version: i64,
    /// The action, e.g. `{"action": "register_for_rsd"}` or
    /// `{"action": "decide", "outcome": "recognised", "reasons": "…"}`.
    #[schema(value_type = Object)]
    pub action: Action,
}

#[utoipa::path(post, path = "/api/v1/persons/{id}/claims", tag = "procedure", request_body = LodgeClaimRequest, params(("id" = Uuid, Path, description = "Person")),
    responses((status = 201, body = ClaimDto), (status = 404, body = ErrorBody), (status = 422, description = "A claim is already pending", body = ErrorBody)))]
pub(crate) async fn lodge_claim(State(s): State<AppState>, Path(id): Path<String>, p: Principal, JsonBody(req): JsonBody<LodgeClaimRequest>) -> ApiResult<Response> {
    let c = lodge(&s, &p, &id, req.track, req.reason.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(claim_dto(&c, s.now().date_naive(), &p))).into_response())
}

/// Lodges a claim for a person the user may see, with an optional note for the file. The one way
/// the API and the pages lodge a claim.
pub(crate) async fn lodge(s: &AppState, p: &Principal, person: &str, track: Track, note: Option<&str>) -> ApiResult<ClaimRecord> {
    let pid = load_person(s, p, person).await?.id;
    Ok(s.store.lodge_claim(pid, track, meta(s, p, note)?).await?)
}

#[utoipa::path(get, path = "/api/v1/persons/{id}/claims", tag = "procedure", params(("id" = Uuid, Path, description = "Person")), responses((status = 200, body = [ClaimDto])))]
pub(crate) async fn claims_of_person(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Vec<ClaimDto>>> {
    let pid = load_person(&s, &p, &id).await?.id;
    let today = s.now().date_naive();
    Ok(Json(s.store.claims_of(pid).await?.iter().map(|c| claim_dto(c, today, &p)).collect()))
}

#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "procedure", params(("id" = Uuid, Path, description = "Claim")), responses((status = 200, body = ClaimDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_claim(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let c = load_claim(&s, &p, &id).await?;
    Ok(with_etag(c.version, Json(claim_dto(&c, s.now().date_naive(), &p))))
}

/// A claim the user may see: in one of their operations, of a person they may see (else 404).
pub(crate) async fn load_claim(s: &AppState, p: &Principal, id: &str) -> ApiResult<ClaimRecord> {
    let cid: ClaimId = parse_id("claim", id)?;
    let c = s.store.claim(cid).await?.ok_or_else(|| not_found("claim", id))?;
    p.scope(c.operation_id, "claim", id)?;
    load_person(s, p, &c.person_id.to_string()).await.map_err(|_| not_found("claim", id))?;
    Ok(c)
}

#[utoipa::path(post, path = "/api/v1/claims/{id}/actions", tag = "procedure", request_body = ActionRequest,
    params(("id" = Uuid, Path, description = "Claim")),
    responses((status = 200, body = ClaimDto), (status = 409, description = "Stale version", body = ErrorBody), (status = 422, description = "The state machine refused the step, naming what is allowed", body = ErrorBody)))]
pub(crate) async fn act_on_claim(State(s): State<AppState>, Path(id): Path<String>, p: Principal, JsonBody(req): JsonBody<ActionRequest>) -> ApiResult<Response> {
    let c = take_step(&s, &p, &id, req.version, req.action, None).await?;
    Ok(with_etag(c.version, Json(claim_dto(&c, s.now().date_naive(), &p))))
}

/// Takes one step of the procedure on a claim the user may see, in the least senior of their
/// procedure roles that may take it; the state machine (inside the store's transaction) decides.
/// `note` is kept as the step's reason in the history (sealed at rest, shown only with
/// `sensitive_read`), e.g. the record of an interview. The one way the API and the pages act.
pub(crate) async fn take_step(s: &AppState, p: &Principal, claim: &str, version: i64, action: Action, note: Option<&str>) -> ApiResult<ClaimRecord> {
    let cid = load_claim(s, p, claim).await?.id;
    let role = p.procedure_role(action.kind())?;
    Ok(s.store.act_on_claim(cid, version, action, role, meta(s, p, note)?).await?)
}

#[utoipa::path(get, path = "/api/v1/claims/{id}/history", tag = "procedure", params(("id" = Uuid, Path, description = "Claim")), responses((status = 200, body = [Event])))]
pub(crate) async fn claim_history(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Vec<Event>>> {
    let cid = load_claim(&s, &p, &id).await?.id;
    let h = s.store.history(EntityKind::Claim, cid.as_uuid()).await?;
    Ok(Json(redact_claim_events(h, &p)))
}

/// A claim's history as `viewer` may read it: without `sensitive_read`, the free-text reasons of
/// the steps are withheld, in the event data and in the event's own reason (which holds a
/// decision's reasons or an interview record).
pub(crate) fn redact_claim_events(mut events: Vec<Event>, viewer: &Principal) -> Vec<Event> {
    if !viewer.may(Permission::SensitiveRead) {
        for e in &mut events {
            redact_reasons(&mut e.data);
            if e.reason.is_some() {
                e.reason = Some(RESTRICTED.into());
            }
        }
    }
    events
}

/// What a withheld text reads.
pub(crate) const RESTRICTED: &str = "restricted";

/// Facts for an assessment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessRequest {
    /// For `/api/v1/assess` only: the country of asylum whose jurisdiction applies (ISO3).
    pub country: Option<String>,
    /// The facts file (docs/assess/facts.schema.json).
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
}

/// A recorded assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDto {
    /// Identifier (absent for an unrecorded assessment).
    pub id: Option<Uuid>,
    /// The recommendation, its basis and the ordered reasons with citations.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    /// The facts as submitted.
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
}

/// Checks a facts document and runs the assessment engine on it (nothing is recorded).
pub(crate) fn run_assessment(facts: &serde_json::Value, profile: &JurisdictionProfile) -> ApiResult<serde_json::Value> {
    let parsed: Facts = serde_path_to_error::deserialize(facts.clone()).map_err(|e| ApiError::BadJson {
        field: Some(format!("facts.{}", e.path())),
        message: e.into_inner().to_string(),
    })?;
    let checked = parsed.check().map_err(|e| {
        let mut p = ValidationErrors::new();
        p.extend_prefixed("facts", e);
        ApiError::Validation(p)
    })?;
    Ok(serde_json::to_value(assess(&checked, profile)).unwrap_or_default())
}

#[utoipa::path(post, path = "/api/v1/claims/{id}/assessments", tag = "procedure", request_body = AssessRequest, params(("id" = Uuid, Path, description = "Claim")),
    responses((status = 201, body = AssessmentDto), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn assess_claim(State(s): State<AppState>, Path(id): Path<String>, p: Principal, JsonBody(req): JsonBody<AssessRequest>) -> ApiResult<Response> {
    let claim = load_claim(&s, &p, &id).await?;
    let a = record_claim_assessment(&s, &p, &claim, req.facts).await?;
    Ok((StatusCode::CREATED, Json(AssessmentDto { id: Some(a.id.as_uuid()), result: a.result, facts: a.facts })).into_response())
}

/// The jurisdiction profile that applies to a claim: the one of its operation's country.
pub(crate) async fn claim_jurisdiction(s: &AppState, claim: &ClaimRecord) -> ApiResult<JurisdictionProfile> {
    let op = s.store.operation(claim.operation_id).await?.ok_or_else(|| not_found("operation", &claim.operation_id.to_string()))?;
    Ok(s.store.jurisdiction(op.country).await?.profile)
}

/// Runs the assessment engine on `facts` under the claim's jurisdiction and records facts and
/// result on the claim (a loaded claim: the caller has checked the user may see it).
pub(crate) async fn record_claim_assessment(s: &AppState, p: &Principal, claim: &ClaimRecord, facts: serde_json::Value) -> ApiResult<AssessmentRecord> {
    let profile = claim_jurisdiction(s, claim).await?;
    let result = run_assessment(&facts, &profile)?;
    Ok(s.store.record_assessment(claim.id, facts, result, meta(s, p, None)?).await?)
}

#[utoipa::path(get, path = "/api/v1/claims/{id}/assessments", tag = "procedure", params(("id" = Uuid, Path, description = "Claim")), responses((status = 200, body = [AssessmentDto])))]
pub(crate) async fn claim_assessments(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Vec<AssessmentDto>>> {
    let cid = load_claim(&s, &p, &id).await?.id;
    let all = s.store.assessments(cid).await?;
    Ok(Json(all.into_iter().map(|a| AssessmentDto { id: Some(a.id.as_uuid()), result: a.result, facts: a.facts }).collect()))
}

#[utoipa::path(post, path = "/api/v1/assess", tag = "procedure", request_body = AssessRequest,
    responses((status = 200, description = "The assessment; nothing is recorded", body = AssessmentDto), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn assess_facts(State(s): State<AppState>, JsonBody(req): JsonBody<AssessRequest>) -> ApiResult<Json<AssessmentDto>> {
    let Some(c) = req.country.as_deref() else {
        return Err(ApiError::field("country", "required", "name the country of asylum (ISO3) whose jurisdiction applies"));
    };
    let country = Iso3::parse(c).map_err(|e| ApiError::field("country", e.code, e.message))?;
    let profile = s.store.jurisdiction(country).await?.profile;
    let result = run_assessment(&req.facts, &profile)?;
    Ok(Json(AssessmentDto { id: None, result, facts: req.facts }))
}

/// A person's protection record and the status they hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProtectionDto {
    /// The person.
    pub person_id: Uuid,
    /// Version to send back with an update (0 before the first).
    pub version: i64,
    /// The record.
    #[schema(value_type = Object)]
    pub record: ProtectionRecord,
    /// `refugee`, `complementary_protection`, or absent.
    #[schema(value_type = Option<String>)]
    pub status: Option<nansen_domain::convention::guard::RecordedStatus>,
}

/// A change to a protection record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtectionUpdateRequest {
    /// The version the change is based on (0 for the first record).
    pub version: i64,
    /// Why (kept in the history).
    pub reason: Option<String>,
    /// The complete record.
    #[schema(value_type = Object)]
    pub record: ProtectionRecord,
}

async fn protection_dto(s: &AppState, v: ProtectionView) -> ApiResult<ProtectionDto> {
    let claims = s.store.claims_of(v.person_id).await?;
    let status = recorded_status(claims.last().map(|c| &c.state), &v.record);
    Ok(ProtectionDto { person_id: v.person_id.as_uuid(), version: v.version, record: v.record, status })
}

#[utoipa::path(get, path = "/api/v1/persons/{id}/protection", tag = "protection", params(("id" = Uuid, Path, description = "Person")), responses((status = 200, body = ProtectionDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_protection(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let pid = load_person(&s, &p, &id).await?.id;
    let v = s.store.protection(pid).await?.ok_or_else(|| not_found("person", &id))?;
    let version = v.version;
    Ok(with_etag(version, Json(protection_dto(&s, v).await?)))
}

#[utoipa::path(put, path = "/api/v1/persons/{id}/protection", tag = "protection", request_body = ProtectionUpdateRequest,
    params(("id" = Uuid, Path, description = "Person")),
    responses((status = 200, body = ProtectionDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_protection(State(s): State<AppState>, Path(id): Path<String>, p: Principal, JsonBody(req): JsonBody<ProtectionUpdateRequest>) -> ApiResult<Response> {
    let pid = load_person(&s, &p, &id).await?.id;
    let current = s.store.protection(pid).await?.ok_or_else(|| not_found("person", &id))?;
    if current.record.art33_2_exception != req.record.art33_2_exception && !p.has_role(StaffRole::SeniorProtectionOfficer) {
        return Err(ApiError::field(
            "record.art33_2_exception",
            "senior_role_required",
            "an Art. 33(2) decision is recorded only by a senior protection officer, as an individual reasoned decision",
        ));
    }
    if let Some(x) = &req.record.art33_2_exception {
        if let Some(defect) = x.defect(pid, s.now().date_naive()) {
            return Err(ApiError::field("record.art33_2_exception", "invalid_exception", defect));
        }
    }
    let v = s.store.update_protection(pid, req.version, req.record, meta(&s, &p, req.reason.as_deref())?).await?;
    let version = v.version;
    Ok(with_etag(version, Json(protection_dto(&s, v).await?)))
}

/// A removal request: every person is named and evaluated individually.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovalRequestBody {
    /// `removal`, `deportation`, `extradition` or `transfer`.
    #[schema(value_type = String)]
    pub kind: RemovalKind,
    /// Destination country (ISO3).
    pub destination: String,
    /// The persons, by identifier (there is no way to name a group or a nationality).
    pub persons: Vec<Uuid>,
    /// Why the removal is requested.
    pub reason: String,
}

/// A removal request with the guard's verdict for each person.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemovalDto {
    /// The request, its status and every evaluation (reasons and citations per person).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub removal: RemovalView,
}

/// Executing a removal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecuteRemovalRequest {
    /// The request's version.
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/removals", tag = "protection", request_body = RemovalRequestBody, params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 201, description = "Recorded and evaluated person by person; nothing executed", body = RemovalDto), (status = 422, body = ErrorBody)))]
pub(crate) async fn request_removal(State(s): State<AppState>, Path(op): Path<String>, p: Principal, JsonBody(req): JsonBody<RemovalRequestBody>) -> ApiResult<Response> {
    let r = request_removal_of(&s, &p, &op, req.kind, &req.destination, req.persons, &req.reason).await?;
    Ok((StatusCode::CREATED, Json(RemovalDto { removal: r })).into_response())
}

/// Records a removal request in one of the user's operations and has the guard evaluate every
/// person named, individually (duplicates named once). Executes nothing. The one way the API and
/// the pages request a removal; field errors name `destination`, `reason` and `persons`.
pub(crate) async fn request_removal_of(s: &AppState, p: &Principal, op: &str, kind: RemovalKind, destination: &str, named: Vec<Uuid>, reason: &str) -> ApiResult<RemovalView> {
    let mut e = ValidationErrors::new();
    let destination = e.check("destination", Iso3::parse(destination));
    let reason = e.check("reason", Reason::parse(reason));
    if named.is_empty() {
        e.push("persons", nansen_domain::ParseError { code: "required", message: "name every person to be removed; each is evaluated individually".into() });
    }
    let (destination, reason) = e.finish(|| Some((destination?, reason?)))?;
    let op = operation_exists(s, p, op).await?;
    let mut persons: Vec<PersonId> = Vec::with_capacity(named.len());
    for x in named {
        let x = PersonId::from_uuid(x);
        if !persons.contains(&x) {
            crate::api::scope_persons(s, p, vec![x], "person", &x.to_string()).await?;
            persons.push(x);
        }
    }
    Ok(s.store.request_removal(op, RemovalRequest { kind, destination, persons }, reason, meta(s, p, None)?).await?)
}

#[utoipa::path(get, path = "/api/v1/removals/{id}", tag = "protection", params(("id" = Uuid, Path, description = "Removal request")), responses((status = 200, body = RemovalDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_removal(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let r = load_removal(&s, &p, &id).await?;
    Ok(with_etag(r.version, Json(RemovalDto { removal: r })))
}

#[utoipa::path(post, path = "/api/v1/removals/{id}/execute", tag = "protection", request_body = ExecuteRemovalRequest, params(("id" = Uuid, Path, description = "Removal request")),
    responses((status = 200, description = "Each person re-evaluated now; executed only for those allowed", body = RemovalDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn execute_removal(State(s): State<AppState>, Path(id): Path<String>, p: Principal, JsonBody(req): JsonBody<ExecuteRemovalRequest>) -> ApiResult<Response> {
    let r = execute_removal_of(&s, &p, &id, req.version).await?;
    Ok(with_etag(r.version, Json(RemovalDto { removal: r })))
}

/// Executes a removal request the user may see: the guard re-evaluates every person now and the
/// removal is carried out only for those it allows.
pub(crate) async fn execute_removal_of(s: &AppState, p: &Principal, id: &str, version: i64) -> ApiResult<RemovalView> {
    let rid = load_removal(s, p, id).await?.id;
    Ok(s.store.execute_removal(rid, version, meta(s, p, None)?).await?)
}

/// A removal request in one of the user's operations (else 404).
pub(crate) async fn load_removal(s: &AppState, p: &Principal, id: &str) -> ApiResult<RemovalView> {
    let rid: RemovalId = parse_id("removal", id)?;
    let r = s.store.removal(rid).await?.ok_or_else(|| not_found("removal", id))?;
    p.scope(r.operation_id, "removal", id)?;
    crate::api::scope_persons(s, p, r.evaluations.iter().map(|e| e.person_id).collect(), "removal", id).await?;
    Ok(r)
}

/// Whether a person holds a protection status — all that a host State needs to know.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusDto {
    /// The person.
    pub person_id: Uuid,
    /// True when the person holds refugee status or complementary protection. Nothing about the
    /// claim, the reasons or the persecution is disclosed here.
    pub holds_protection_status: bool,
    /// True while a claim or appeal is pending: the person may not be removed (Art. 33).
    pub claim_pending: bool,
}

#[utoipa::path(get, path = "/api/v1/persons/{id}/status", tag = "protection", params(("id" = Uuid, Path, description = "Person")), responses((status = 200, body = StatusDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_status(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<StatusDto>> {
    let person = load_person(&s, &p, &id).await?;
    let (status, claim_pending, _) = person_status(&s, person.id).await?;
    Ok(Json(StatusDto { person_id: person.id.as_uuid(), holds_protection_status: status.is_some(), claim_pending }))
}

/// The status a person holds, whether a claim is pending (suspensive effect), and their claims.
pub(crate) async fn person_status(s: &AppState, person: PersonId) -> ApiResult<(Option<nansen_domain::convention::guard::RecordedStatus>, bool, Vec<ClaimRecord>)> {
    let claims = s.store.claims_of(person).await?;
    let record = s.store.protection(person).await?.map(|v| v.record).unwrap_or_default();
    let status = recorded_status(claims.last().map(|c| &c.state), &record);
    let today = s.now().date_naive();
    let claim_pending = claims.last().is_some_and(|c| pending(&c.state, today));
    Ok((status, claim_pending, claims))
}

/// Replaces the free-text reasons of procedural steps (which may tell the persecution) with
/// `restricted`, for viewers without the sensitive-read permission.
pub(crate) fn redact_reasons(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if matches!(k.as_str(), "reasons" | "grounds" | "late_reason" | "reason" | "narrative" | "notes") && x.is_string() {
                    *x = serde_json::Value::String("restricted".into());
                } else {
                    redact_reasons(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(redact_reasons),
        _ => {}
    }
}

/// A jurisdiction profile in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct JurisdictionDto {
    /// 0 for the shipped profile (UN Treaty Collection record), else the edited version.
    pub version: i64,
    /// The profile.
    #[schema(value_type = Object)]
    pub profile: JurisdictionProfile,
}

/// An edited profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionUpdateRequest {
    /// The version the edit is based on (0 = the shipped profile).
    pub version: i64,
    /// The complete profile.
    #[schema(value_type = Object)]
    pub profile: JurisdictionProfile,
}

#[utoipa::path(get, path = "/api/v1/jurisdictions/{country}", tag = "jurisdictions", params(("country" = String, Path, description = "ISO3")), responses((status = 200, body = JurisdictionDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_jurisdiction(State(s): State<AppState>, Path(country): Path<String>) -> ApiResult<Json<JurisdictionDto>> {
    let c = Iso3::parse(&country).map_err(|_| not_found("country", &country))?;
    let j = s.store.jurisdiction(c).await?;
    Ok(Json(JurisdictionDto { version: j.version, profile: j.profile }))
}

#[utoipa::path(put, path = "/api/v1/jurisdictions/{country}", tag = "jurisdictions", request_body = JurisdictionUpdateRequest,
    params(("country" = String, Path, description = "ISO3")),
    responses((status = 200, body = JurisdictionDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_jurisdiction(State(s): State<AppState>, Path(country): Path<String>, p: Principal, JsonBody(req): JsonBody<JurisdictionUpdateRequest>) -> ApiResult<Json<JurisdictionDto>> {
    let c = Iso3::parse(&country).map_err(|_| not_found("country", &country))?;
    if req.profile.country != c {
        return Err(ApiError::field("profile.country", "country_mismatch", format!("the profile is for {}, the address for {c}", req.profile.country)));
    }
    req.profile.validate().map_err(|e| {
        let mut p = ValidationErrors::new();
        p.extend_prefixed("profile", e);
        ApiError::Validation(p)
    })?;
    let j = s.store.save_jurisdiction(req.profile, req.version, meta(&s, &p, None)?).await?;
    Ok(Json(JurisdictionDto { version: j.version, profile: j.profile }))
}

/// A voluntary repatriation: each adult's own informed consent and a voluntariness interview; a
/// child's guardian's consent. Not a removal: nobody is returned without their recorded consent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepatriationBody {
    /// The request (destination and participants with their consents and interviews).
    #[schema(value_type = Object)]
    pub request: nansen_domain::convention::guard::VoluntaryRepatriation,
}

/// A recorded voluntary repatriation request and the verdict for each participant.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepatriationDto {
    /// Identifier.
    pub id: Uuid,
    /// Version to send with a departure (1 after the evaluation; each recorded departure adds one).
    pub version: i64,
    /// The participants whose departure was recorded (POST /api/v1/repatriations/{id}/depart), with the day.
    #[schema(value_type = Vec<Object>)]
    pub departed: Vec<serde_json::Value>,
    /// True only when every participant may return.
    pub all_allowed: bool,
    /// The request and a verdict per participant (reasons and citations).
    #[schema(value_type = Object)]
    pub record: serde_json::Value,
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/repatriations", tag = "protection", request_body = RepatriationBody, params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 201, body = RepatriationDto), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody)))]
pub(crate) async fn request_repatriation(State(s): State<AppState>, Path(op): Path<String>, p: Principal, JsonBody(body): JsonBody<RepatriationBody>) -> ApiResult<Response> {
    use nansen_domain::convention::guard::{evaluate_voluntary_repatriation, GuardContext};
    let op = operation_exists(&s, &p, &op).await?;
    if body.request.participants.is_empty() {
        return Err(ApiError::field("request.participants", "required", "name every participant; each is evaluated individually"));
    }
    let m = meta(&s, &p, None)?;
    let verdicts = evaluate_voluntary_repatriation(&body.request, &GuardContext { today: m.at.date_naive() });
    let all_allowed = verdicts.iter().all(|(_, v)| v.allowed());
    let persons: Vec<PersonId> = body.request.participants.iter().map(|p| p.person()).collect();
    for x in &persons {
        crate::api::scope_persons(&s, &p, vec![*x], "person", &x.to_string()).await?;
    }
    let record = serde_json::json!({
        "request": body.request,
        "verdicts": verdicts.iter().map(|(_, v)| v).collect::<Vec<_>>(),
        "all_allowed": all_allowed,
    });
    let id = s.store.record_repatriation(op, record.clone(), persons, m).await?;
    Ok((StatusCode::CREATED, Json(RepatriationDto { id, version: 1, departed: Vec::new(), all_allowed, record })).into_response())
}

#[utoipa::path(get, path = "/api/v1/repatriations/{id}", tag = "protection", params(("id" = Uuid, Path, description = "Repatriation request")), responses((status = 200, body = RepatriationDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_repatriation(State(s): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RepatriationDto>> {
    let uid: Uuid = parse_id("repatriation", &id)?;
    let h = s.store.history(EntityKind::Repatriation, uid).await?;
    let version = h.iter().map(|e| e.version).max().unwrap_or(1);
    let departed = h
        .iter()
        .filter(|e| e.kind == nansen_domain::EventKind::RepatriationDeparted)
        .flat_map(|e| e.data.get("departed").and_then(serde_json::Value::as_array).cloned().unwrap_or_default())
        .collect();
    let e = h.into_iter().next().ok_or_else(|| not_found("repatriation", &id))?;
    p.scope(e.operation_id, "repatriation", &id)?;
    crate::api::scope_repatriation(&s, &p, &e, &id).await?;
    let all_allowed = e.data["all_allowed"].as_bool().unwrap_or(false);
    Ok(Json(RepatriationDto { id: uid, version, departed, all_allowed, record: e.data }))
}
