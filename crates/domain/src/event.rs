//! The append-only history: every change to a person or household is an event (who, when, what, why).

use crate::error::{string_value_type, ParseError};
use crate::ids::{EventId, OperationId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who made a change: a user name or a system process (`import`, `demo`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor(String);

impl Actor {
    /// Parses an actor name: 1–64 characters of letters, digits and `. _ @ : -`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        if t.is_empty() || t.len() > 64 || !t.chars().all(|c| c.is_ascii_alphanumeric() || "._@:-".contains(c)) {
            return Err(ParseError::new("invalid_actor", format!("{s:?} is not a user name: 1 to 64 letters, digits or . _ @ : -")));
        }
        Ok(Self(t.to_owned()))
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(Actor);

/// The kind of record an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A household.
    Household,
    /// A claim for international protection.
    Claim,
    /// A person's protection record (screening, identity, risks).
    Protection,
    /// A removal request.
    Removal,
    /// A voluntary repatriation request.
    Repatriation,
    /// A proposed duplicate (a pair of persons under review).
    Duplicate,
    /// A resettlement State's yearly quota of places for an operation.
    ResettlementQuota,
    /// A resettlement submission.
    Resettlement,
}

impl EntityKind {
    /// Text form used in storage.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Household => "household",
            Self::Claim => "claim",
            Self::Protection => "protection",
            Self::Removal => "removal",
            Self::Repatriation => "repatriation",
            Self::Duplicate => "duplicate",
            Self::ResettlementQuota => "resettlement_quota",
            Self::Resettlement => "resettlement",
        }
    }
    /// Parses the storage form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(Self::Person),
            "household" => Some(Self::Household),
            "claim" => Some(Self::Claim),
            "protection" => Some(Self::Protection),
            "removal" => Some(Self::Removal),
            "repatriation" => Some(Self::Repatriation),
            "duplicate" => Some(Self::Duplicate),
            "resettlement_quota" => Some(Self::ResettlementQuota),
            "resettlement" => Some(Self::Resettlement),
            _ => None,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A household was registered.
    HouseholdRegistered,
    /// A person was registered (with a household or added to one).
    PersonRegistered,
    /// A person's biodata was corrected or completed.
    PersonUpdated,
    /// Household-level data changed.
    HouseholdUpdated,
    /// A member joined the household.
    MemberAdded,
    /// A claim was lodged.
    ClaimLodged,
    /// A step of the procedure (the action is in the data).
    ClaimStep,
    /// A legal assessment was recorded for a claim.
    AssessmentRecorded,
    /// The protection record changed (screening, identity, risks, Art. 33(2) decision, derivative status).
    ProtectionUpdated,
    /// A removal was requested and evaluated person by person.
    RemovalRequested,
    /// A removal was executed for the persons the guard allowed, re-evaluated at that moment.
    RemovalExecuted,
    /// A voluntary repatriation was requested, with each participant's consent, and evaluated.
    RepatriationEvaluated,
    /// A pair of persons was proposed as a likely duplicate, for review.
    DuplicateQueued,
    /// An officer dismissed a proposed duplicate: two different people.
    DuplicateDismissed,
    /// An officer confirmed a proposed duplicate: one person registered twice.
    DuplicateConfirmed,
    /// A confirmed duplicate was merged: on the duplicate record (it now leads to the survivor), on
    /// the surviving record, and on the proposed duplicate.
    PersonMerged,
    /// A merge was undone: both records stand on their own again and the pair returns to review.
    PersonUnmerged,
    /// A resettlement State's quota for a year was set or changed.
    ResettlementQuotaSet,
    /// Refugees were submitted to a resettlement State.
    ResettlementSubmitted,
    /// The resettlement State accepted a submission (its persons use places of the year's quota).
    ResettlementAccepted,
    /// The resettlement State rejected a submission, with its reason.
    ResettlementRejected,
    /// The operation withdrew a submission, with the reason.
    ResettlementWithdrawn,
    /// Persons of an accepted submission departed to the resettlement State (each with their day).
    ResettlementDeparted,
    /// Participants of a voluntary repatriation left for their country, re-evaluated on the day of departure.
    RepatriationDeparted,
}

impl EventKind {
    /// Text form used in storage.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::HouseholdRegistered => "household_registered",
            Self::PersonRegistered => "person_registered",
            Self::PersonUpdated => "person_updated",
            Self::HouseholdUpdated => "household_updated",
            Self::MemberAdded => "member_added",
            Self::ClaimLodged => "claim_lodged",
            Self::ClaimStep => "claim_step",
            Self::AssessmentRecorded => "assessment_recorded",
            Self::ProtectionUpdated => "protection_updated",
            Self::RemovalRequested => "removal_requested",
            Self::RemovalExecuted => "removal_executed",
            Self::RepatriationEvaluated => "repatriation_evaluated",
            Self::DuplicateQueued => "duplicate_queued",
            Self::DuplicateDismissed => "duplicate_dismissed",
            Self::DuplicateConfirmed => "duplicate_confirmed",
            Self::PersonMerged => "person_merged",
            Self::PersonUnmerged => "person_unmerged",
            Self::ResettlementQuotaSet => "resettlement_quota_set",
            Self::ResettlementSubmitted => "resettlement_submitted",
            Self::ResettlementAccepted => "resettlement_accepted",
            Self::ResettlementRejected => "resettlement_rejected",
            Self::ResettlementWithdrawn => "resettlement_withdrawn",
            Self::ResettlementDeparted => "resettlement_departed",
            Self::RepatriationDeparted => "repatriation_departed",
        }
    }
    /// Parses the storage form.
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }
}

/// One entry of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Identifier (UUIDv7, time-ordered).
    pub id: EventId,
    /// Operation the record belongs to.
    pub operation_id: OperationId,
    /// Kind of record.
    pub entity_kind: EntityKind,
    /// The record's identifier.
    pub entity_id: Uuid,
    /// The record's version after this event (1 for creation).
    pub version: i64,
    /// Who.
    pub actor: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// What.
    pub kind: EventKind,
    /// Why, where given.
    pub reason: Option<String>,
    /// The change: for a creation the full record, for an update the changed fields with before and after.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// One changed field in an update event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Top-level field name.
    pub field: String,
    /// Value before (absent = not set).
    pub before: Option<serde_json::Value>,
    /// Value after (absent = not set).
    pub after: Option<serde_json::Value>,
}

/// The top-level fields that differ between two serialisable records.
pub fn diff<T: Serialize>(before: &T, after: &T) -> Vec<FieldChange> {
    let (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| FieldChange { field: k.clone(), before: b.get(k).cloned(), after: a.get(k).cloned() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_changed_fields_only() {
        let b = serde_json::json!({"a": 1, "b": 2});
        let a = serde_json::json!({"a": 1, "b": 3, "c": 4});
        let d = diff(&b, &a);
        assert_eq!(d.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(d[1].before, None);
    }

    #[test]
    fn event_kinds_roundtrip() {
        for k in [EventKind::HouseholdRegistered, EventKind::PersonUpdated, EventKind::MemberAdded, EventKind::ResettlementDeparted, EventKind::RepatriationDeparted] {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert!(Actor::parse("clerk.amina").is_ok());
        assert!(Actor::parse("x y").is_err());
    }
}
