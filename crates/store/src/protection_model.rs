//! Claims, protection records, assessments and removals as stored and read back.

use crate::Result;
use chrono::{DateTime, Utc};
use nansen_domain::convention::guard::{RemovalKind, RemovalRequest};
use nansen_domain::convention::procedure::{Action, ClaimState, Role, Track};
use nansen_domain::convention::JurisdictionProfile;
use nansen_domain::protection::ProtectionRecord;
use nansen_domain::{ClaimId, Iso3, OperationId, PersonId, Reason, RemovalId};
use serde::{Deserialize, Serialize};
use std::future::Future;

use crate::Meta;

/// A claim as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimRecord {
    /// Identifier.
    pub id: ClaimId,
    /// Operation.
    pub operation_id: OperationId,
    /// The claimant.
    pub person_id: PersonId,
    /// Version; every step adds one.
    pub version: i64,
    /// Where the procedure stands.
    pub state: ClaimState,
    /// Lodged at.
    pub created_at: DateTime<Utc>,
    /// Last step at.
    pub updated_at: DateTime<Utc>,
}

/// A recorded legal assessment: the facts as found, and the recommendation with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentRecord {
    /// Identifier.
    pub id: nansen_domain::AssessmentId,
    /// The claim assessed.
    pub claim_id: ClaimId,
    /// The facts file as submitted.
    pub facts: serde_json::Value,
    /// The assessment (recommendation, basis, reasons).
    pub result: serde_json::Value,
    /// Who recorded it.
    pub actor: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A person's protection record with its version (0 when nothing was recorded yet).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProtectionView {
    /// The person.
    pub person_id: PersonId,
    /// Operation.
    pub operation_id: OperationId,
    /// Version to send back with an update; 0 before the first.
    pub version: i64,
    /// The record.
    pub record: ProtectionRecord,
}

/// What a removal request holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovalData {
    /// Kind of removal.
    pub kind: RemovalKind,
    /// Destination.
    pub destination: Iso3,
    /// The persons named, each evaluated individually.
    pub persons: Vec<PersonId>,
    /// Why the removal is requested.
    pub reason: Reason,
    /// Who asked.
    pub requested_by: String,
    /// `evaluated` until executed, then `executed`.
    pub status: RemovalStatus,
    /// The persons actually removed (allowed by the guard at execution).
    #[serde(default)]
    pub executed_for: Vec<PersonId>,
}

/// Where a removal request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalStatus {
    /// Evaluated by the guard; nothing executed.
    Evaluated,
    /// Executed for the persons the guard allowed at that moment.
    Executed,
}

/// One stored evaluation by the guard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationRecord {
    /// The person.
    pub person_id: PersonId,
    /// `request` (when asked) or `execution` (re-evaluated when carried out).
    pub phase: String,
    /// Whether removal was allowed.
    pub allowed: bool,
    /// The verdict with every refusal, its reason and citation.
    pub verdict: serde_json::Value,
    /// The facts the guard saw.
    pub facts: serde_json::Value,
    /// When.
    pub evaluated_at: DateTime<Utc>,
}

/// A removal request with its evaluations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemovalView {
    /// Identifier.
    pub id: RemovalId,
    /// Operation.
    pub operation_id: OperationId,
    /// Version.
    pub version: i64,
    /// The request.
    pub data: RemovalData,
    /// Every evaluation, request phase first.
    pub evaluations: Vec<EvaluationRecord>,
    /// Requested at.
    pub created_at: DateTime<Utc>,
}

/// A jurisdiction profile in force, and whether an administrator edited it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JurisdictionView {
    /// The profile.
    pub profile: JurisdictionProfile,
    /// 0 for the shipped profile, else the version of the edited one.
    pub version: i64,
}

/// The protection procedure's storage contract (claims, records, assessments, removals).
pub trait Protection: Send + Sync + 'static {
    /// Lodges a claim for a registered person.
    fn lodge_claim(&self, person: PersonId, track: Track, meta: Meta) -> impl Future<Output = Result<ClaimRecord>> + Send;
    /// Applies one step of the procedure through the state machine, based on `expected_version`.
    /// A recognition that becomes final gives the household's dependants derivative status.
    fn act_on_claim(&self, id: ClaimId, expected_version: i64, action: Action, role: Role, meta: Meta) -> impl Future<Output = Result<ClaimRecord>> + Send;
    /// Records an assessment of a claim (facts and result, as computed by the domain).
    fn record_assessment(&self, claim: ClaimId, facts: serde_json::Value, result: serde_json::Value, meta: Meta) -> impl Future<Output = Result<AssessmentRecord>> + Send;
    /// Replaces a person's protection record, based on `expected_version` (0 for the first).
    fn update_protection(&self, person: PersonId, expected_version: i64, record: ProtectionRecord, meta: Meta) -> impl Future<Output = Result<ProtectionView>> + Send;
    /// Records a removal request and evaluates every person named, individually. Executes nothing.
    fn request_removal(&self, op: OperationId, request: RemovalRequest, reason: Reason, meta: Meta) -> impl Future<Output = Result<RemovalView>> + Send;
    /// Executes a removal: re-evaluates each person now and carries it out only for those allowed.
    fn execute_removal(&self, id: RemovalId, expected_version: i64, meta: Meta) -> impl Future<Output = Result<RemovalView>> + Send;
    /// Records a voluntary repatriation request (the consents and the evaluation, as the server
    /// computed them) as an event; every person must belong to the operation. Returns its identifier.
    fn record_repatriation(&self, op: OperationId, record: serde_json::Value, persons: Vec<PersonId>, meta: Meta) -> impl Future<Output = Result<uuid::Uuid>> + Send;
    /// Stores an edited jurisdiction profile, based on `expected_version` (0 = the shipped one).
    fn save_jurisdiction(&self, profile: JurisdictionProfile, expected_version: i64, meta: Meta) -> impl Future<Output = Result<JurisdictionView>> + Send;

    /// One claim.
    fn claim(&self, id: ClaimId) -> impl Future<Output = Result<Option<ClaimRecord>>> + Send;
    /// A person's claims, oldest first.
    fn claims_of(&self, person: PersonId) -> impl Future<Output = Result<Vec<ClaimRecord>>> + Send;
    /// A claim's assessments, oldest first.
    fn assessments(&self, claim: ClaimId) -> impl Future<Output = Result<Vec<AssessmentRecord>>> + Send;
    /// A person's protection record; `None` when the person does not exist.
    fn protection(&self, person: PersonId) -> impl Future<Output = Result<Option<ProtectionView>>> + Send;
    /// One removal request with its evaluations.
    fn removal(&self, id: RemovalId) -> impl Future<Output = Result<Option<RemovalView>>> + Send;
    /// The jurisdiction profile in force for a country (edited, or shipped).
    fn jurisdiction(&self, country: Iso3) -> impl Future<Output = Result<JurisdictionView>> + Send;
}
