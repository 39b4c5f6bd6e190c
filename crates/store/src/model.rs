//! Records as stored and read back.

use chrono::{DateTime, Utc};
use nansen_domain::{
    Actor, CaseNumber, HouseholdDetails, HouseholdId, OperationId, PersonDetails, PersonId, Reason, Relationship,
};
use serde::Serialize;

/// Who is writing, when, and why.
#[derive(Debug, Clone)]
pub struct Meta {
    /// The user or process.
    pub actor: Actor,
    /// When (UTC), taken once by the caller.
    pub at: DateTime<Utc>,
    /// Why, where a reason is given or required.
    pub reason: Option<Reason>,
}

impl Meta {
    /// A meta for `actor` now, without a reason. The time is cut to microseconds, the precision both
    /// databases keep, so that what is written equals what is read back.
    pub fn now(actor: Actor) -> Self {
        use chrono::SubsecRound;
        Self { actor, at: Utc::now().trunc_subsecs(6), reason: None }
    }
    /// With a reason.
    pub fn with_reason(mut self, reason: Reason) -> Self {
        self.reason = Some(reason);
        self
    }
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonRecord {
    /// Identifier.
    pub id: PersonId,
    /// Operation.
    pub operation_id: OperationId,
    /// Household.
    pub household_id: HouseholdId,
    /// Relationship to the principal applicant.
    pub relationship: Relationship,
    /// Version, starting at 1; every change adds one.
    pub version: i64,
    /// Biodata.
    pub details: PersonDetails,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// When this record was merged as a duplicate: the surviving record it leads to.
    pub merged_into: Option<PersonId>,
}

/// A household as stored (without members).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdRecord {
    /// Identifier.
    pub id: HouseholdId,
    /// Operation.
    pub operation_id: OperationId,
    /// Case number.
    pub case_number: CaseNumber,
    /// Version, starting at 1.
    pub version: i64,
    /// Household-level data.
    pub details: HouseholdDetails,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// A household with its members, principal applicant first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdView {
    /// The household.
    pub household: HouseholdRecord,
    /// Its members.
    pub members: Vec<PersonRecord>,
}

/// The answer to a registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Registered {
    /// The household (new, or the one already registered under the same key).
    pub view: HouseholdView,
    /// False when the registration key was already registered and nothing was written.
    pub created: bool,
}

/// What a bulk import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Households written.
    pub households_created: usize,
    /// Persons written.
    pub persons_created: usize,
    /// Households skipped because their registration key was already present.
    pub households_skipped: usize,
}

/// Counts for an operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Households.
    pub households: i64,
    /// Persons.
    pub persons: i64,
    /// History events.
    pub events: i64,
}

/// The largest page a search returns.
pub const MAX_PAGE: u32 = 200;

/// A person search. All given criteria must match.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Limit to one operation.
    pub operation: Option<OperationId>,
    /// Name words, either script, accent- and case-insensitive, each matching the start of a name word.
    pub name: Option<String>,
    /// Exact case number.
    pub case_number: Option<CaseNumber>,
    /// Exact document number (normalised).
    pub document_number: Option<String>,
    /// Only persons of the cases (households) assigned to this user (for a user limited to them).
    pub assigned_to: Option<uuid::Uuid>,
    /// Page size, 1 to [`MAX_PAGE`].
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// All matching rows.
    pub total: i64,
    /// Page size used.
    pub limit: u32,
    /// Offset used.
    pub offset: u32,
}
