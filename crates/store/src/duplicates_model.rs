//! Proposed duplicates (the review queue) and merges, as stored and read back.

use crate::{Meta, Page, Result};
use chrono::{DateTime, Utc};
use nansen_domain::{DuplicateId, OperationId, PersonId};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Where a proposed duplicate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateStatus {
    /// Waiting for an officer.
    Open,
    /// Two different people.
    Dismissed,
    /// One person registered twice, not merged yet.
    Confirmed,
    /// Merged: one record leads to the other.
    Merged,
}

impl DuplicateStatus {
    /// Text form used in storage and in the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Dismissed => "dismissed",
            Self::Confirmed => "confirmed",
            Self::Merged => "merged",
        }
    }
    /// Parses the text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "dismissed" => Some(Self::Dismissed),
            "confirmed" => Some(Self::Confirmed),
            "merged" => Some(Self::Merged),
            _ => None,
        }
    }
}

/// A pair proposed by the matching engine, to be queued for review.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDuplicate {
    /// One person (the order does not matter: the pair is stored once).
    pub person: PersonId,
    /// The other.
    pub other: PersonId,
    /// Match probability in [0, 1].
    pub score: f64,
    /// Why: the engine's explanation (each field's level and weight), kept as it was shown.
    pub explanation: serde_json::Value,
    /// What found it: `registration`, `import`, …
    pub found_by: String,
}

/// An officer's decision on an open (or confirmed) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateDecision {
    /// Two different people.
    Dismiss,
    /// One person registered twice.
    Confirm,
}

/// A proposed duplicate as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateRecord {
    /// Identifier.
    pub id: DuplicateId,
    /// Operation.
    pub operation_id: OperationId,
    /// One person of the pair (the smaller identifier).
    pub person_a: PersonId,
    /// The other.
    pub person_b: PersonId,
    /// Version, starting at 1; every decision adds one.
    pub version: i64,
    /// Match probability in [0, 1] when it was proposed.
    pub score: f64,
    /// The engine's explanation.
    pub explanation: serde_json::Value,
    /// What found it.
    pub found_by: String,
    /// Where it stands.
    pub status: DuplicateStatus,
    /// When merged: the record that survives (the other leads to it).
    pub survivor: Option<PersonId>,
    /// Who took the last decision.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why.
    pub decision_reason: Option<String>,
    /// Proposed at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl DuplicateRecord {
    /// The member of the pair that is not `p`.
    pub fn other(&self, p: PersonId) -> PersonId {
        if p == self.person_a {
            self.person_b
        } else {
            self.person_a
        }
    }
}

/// The review queue and merges. Every change is a history event (entity kind `duplicate`, and
/// `person_merged`/`person_unmerged` on both persons), audited in the same transaction.
pub trait Duplicates: Send + Sync + 'static {
    /// Queues pairs for review. A pair already proposed (in any status) is not proposed again; a
    /// pair naming a merged person, an unknown person, a person of another operation or the same
    /// person twice is skipped. Returns the pairs newly queued.
    fn queue_duplicates(&self, op: OperationId, pairs: Vec<NewDuplicate>, meta: Meta) -> impl Future<Output = Result<Vec<DuplicateRecord>>> + Send;
    /// Dismisses or confirms a pair, based on `expected_version`. `meta.reason` is required.
    fn decide_duplicate(&self, id: DuplicateId, expected_version: i64, decision: DuplicateDecision, meta: Meta) -> impl Future<Output = Result<DuplicateRecord>> + Send;
    /// Merges a confirmed pair: the other person leads to `survivor` from now on (the person
    /// registered first when `None`). Both records and both histories stay; an event is written on
    /// both persons and on the pair in one transaction. `meta.reason` is required.
    fn merge_duplicate(&self, id: DuplicateId, expected_version: i64, survivor: Option<PersonId>, meta: Meta) -> impl Future<Output = Result<DuplicateRecord>> + Send;
    /// Undoes a merge: both records stand on their own again (new events on both) and the pair
    /// returns to review (`open`). `meta.reason` is required.
    fn unmerge_duplicate(&self, id: DuplicateId, expected_version: i64, meta: Meta) -> impl Future<Output = Result<DuplicateRecord>> + Send;
    /// One pair.
    fn duplicate(&self, id: DuplicateId) -> impl Future<Output = Result<Option<DuplicateRecord>>> + Send;
    /// Pairs of an operation (optionally of one status), best score first, a page at a time. With
    /// `assigned_to`, only pairs whose two persons are both in the cases assigned to that user.
    fn duplicates(&self, op: OperationId, assigned_to: Option<uuid::Uuid>, status: Option<DuplicateStatus>, limit: u32, offset: u32) -> impl Future<Output = Result<Page<DuplicateRecord>>> + Send;
    /// Pairs that name a person, newest first.
    fn duplicates_of(&self, person: PersonId) -> impl Future<Output = Result<Vec<DuplicateRecord>>> + Send;
}
