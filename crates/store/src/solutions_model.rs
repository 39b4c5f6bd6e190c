//! Durable solutions as stored and read back: resettlement quotas and submissions, and the
//! departures of voluntary repatriations (migration `0010_solutions`).

use crate::{Meta, Page, Result};
use chrono::{DateTime, NaiveDate, Utc};
use nansen_domain::solutions::{DepartureVerdict, Quota, Submission, SubmissionAction, SubmissionStatus};
use nansen_domain::{Iso3, OperationId, PersonId, QuotaId, SubmissionId};
use serde::Serialize;
use std::future::Future;

/// A resettlement quota with the places of it already used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaRecord {
    /// Identifier.
    pub id: QuotaId,
    /// Operation.
    pub operation_id: OperationId,
    /// Version to send back with a change (each change adds one).
    pub version: i64,
    /// The quota.
    pub quota: Quota,
    /// Places used by accepted and departed submissions counted against it.
    pub used: u32,
    /// First set at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// A resettlement submission as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmissionRecord {
    /// Identifier.
    pub id: SubmissionId,
    /// Operation.
    pub operation_id: OperationId,
    /// Version to send back with the next action.
    pub version: i64,
    /// The submission and where it stands.
    pub submission: Submission,
    /// Submitted at.
    pub created_at: DateTime<Utc>,
    /// Last step at.
    pub updated_at: DateTime<Utc>,
}

/// What recording the departure of a voluntary repatriation did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnDepartureRecord {
    /// The repatriation.
    pub repatriation_id: uuid::Uuid,
    /// The repatriation's version after this departure.
    pub version: i64,
    /// The day of departure.
    pub departed_on: NaiveDate,
    /// One verdict per participant named, re-evaluated on the day of departure; a departure is
    /// recorded for exactly those allowed.
    pub verdicts: Vec<DepartureVerdict>,
}

/// Resettlement and departures: every change is a history event (entity kinds
/// `resettlement_quota`, `resettlement` and `repatriation`), audited in the same transaction.
pub trait Solutions: Send + Sync + 'static {
    /// Sets a State's quota for a year in an operation, based on `expected_version` (0 when none is
    /// set yet). Refused when fewer places than already used by accepted submissions.
    fn set_quota(&self, op: OperationId, quota: Quota, expected_version: i64, meta: Meta) -> impl Future<Output = Result<QuotaRecord>> + Send;
    /// An operation's quotas, latest year first, with their use.
    fn quotas(&self, op: OperationId) -> impl Future<Output = Result<Vec<QuotaRecord>>> + Send;
    /// Submits persons of the operation to a resettlement State. Each must hold refugee status, not
    /// be a national of that State, not have departed and not be in another open submission.
    fn submit_resettlement(&self, op: OperationId, country: Iso3, persons: Vec<PersonId>, meta: Meta) -> impl Future<Output = Result<SubmissionRecord>> + Send;
    /// One step of a submission through its state machine, based on `expected_version`. An
    /// acceptance is checked against the State's quota for the year inside the transaction;
    /// departures are recorded per person. `meta.reason` is kept as the step's reason.
    fn act_on_submission(&self, id: SubmissionId, expected_version: i64, action: SubmissionAction, meta: Meta) -> impl Future<Output = Result<SubmissionRecord>> + Send;
    /// One submission.
    fn submission(&self, id: SubmissionId) -> impl Future<Output = Result<Option<SubmissionRecord>>> + Send;
    /// An operation's submissions (optionally of one status), newest first, a page at a time.
    fn submissions(&self, op: OperationId, status: Option<SubmissionStatus>, limit: u32, offset: u32) -> impl Future<Output = Result<Page<SubmissionRecord>>> + Send;
    /// Records that participants of an evaluated voluntary repatriation left on `departed_on`, based on
    /// `expected_version` of the repatriation. Each person named is re-evaluated on that day; a
    /// departure is recorded only for those allowed. `withdrawn` names participants who withdrew
    /// their consent. Refused (nothing written) when nobody may depart.
    fn depart_repatriation(
        &self,
        id: uuid::Uuid,
        expected_version: i64,
        persons: Vec<PersonId>,
        withdrawn: Vec<PersonId>,
        departed_on: NaiveDate,
        meta: Meta,
    ) -> impl Future<Output = Result<ReturnDepartureRecord>> + Send;
}
