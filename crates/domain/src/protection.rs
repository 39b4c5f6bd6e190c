//! A person's protection record and the facts the non-refoulement guard needs, assembled from the
//! registry (pure: the store reads, this module decides).

use crate::convention::guard::{Art33_2Exception, PersonProtectionFacts, RecordedStatus, SafeThirdCountryAssessment, Screening, TortureRisk};
use crate::convention::procedure::{ClaimState, DerivativeStatus, Outcome};
use crate::country::Citizenship;
use crate::ids::{ClaimId, PersonId};
use serde::{Deserialize, Serialize};

/// What officers have recorded about a person's protection, beyond their claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProtectionRecord {
    /// Individual screening for protection needs.
    pub screening: Screening,
    /// Identity established to the standard of the procedure.
    #[serde(default)]
    pub identity_established: bool,
    /// Recorded real risks of torture or cruel, inhuman or degrading treatment, by country (absolute bars).
    #[serde(default)]
    pub torture_risks: Vec<TortureRisk>,
    /// An individual Art. 33(2) decision, if one was taken by a senior authority.
    #[serde(default)]
    pub art33_2_exception: Option<Art33_2Exception>,
    /// Individual assessments of third countries as safe for this person.
    #[serde(default)]
    pub safe_third_country_assessments: Vec<SafeThirdCountryAssessment>,
    /// Serious reasons for considering that Art. 1F applies (bars derivative status).
    #[serde(default)]
    pub exclusion_1f_indicated: bool,
    /// Derivative status under family unity, from a family member's recognition.
    #[serde(default)]
    pub derivative: Option<DerivativeRecord>,
}

impl Default for ProtectionRecord {
    fn default() -> Self {
        Self {
            screening: Screening::NotScreened,
            identity_established: false,
            torture_risks: Vec::new(),
            art33_2_exception: None,
            safe_third_country_assessments: Vec::new(),
            exclusion_1f_indicated: false,
            derivative: None,
        }
    }
}

/// Derivative status granted (or refused) from a principal applicant's recognition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DerivativeRecord {
    /// The principal applicant.
    pub principal: PersonId,
    /// The principal's claim.
    pub claim: ClaimId,
    /// The result.
    pub status: DerivativeStatus,
}

/// The status a person holds now, from their latest claim and any derivative status.
pub fn recorded_status(latest_claim: Option<&ClaimState>, record: &ProtectionRecord) -> Option<RecordedStatus> {
    // The outcome in effect counts as soon as it is decided (before notification, and while final);
    // it ends with cessation, cancellation or revocation, where `outcome()` is `None`.
    if let Some(c) = latest_claim {
        match c.outcome() {
            Some(Outcome::Recognised) => return Some(RecordedStatus::Refugee),
            Some(Outcome::ComplementaryProtection) => return Some(RecordedStatus::ComplementaryProtection),
            _ => {}
        }
    }
    match &record.derivative {
        Some(DerivativeRecord { status: DerivativeStatus::DerivativeRefugee, .. }) => Some(RecordedStatus::Refugee),
        _ => None,
    }
}

/// The guard's facts for one person.
pub fn guard_facts(person: PersonId, nationality: Citizenship, record: &ProtectionRecord, latest_claim: Option<ClaimState>) -> PersonProtectionFacts {
    PersonProtectionFacts {
        person,
        screening: record.screening,
        recorded_status: recorded_status(latest_claim.as_ref(), record),
        claim: latest_claim,
        identity_established: record.identity_established,
        nationality,
        torture_risks: record.torture_risks.clone(),
        art33_2_exception: record.art33_2_exception.clone(),
        safe_third_country_assessments: record.safe_third_country_assessments.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convention::procedure::Track;
    use chrono::NaiveDate;

    #[test]
    fn an_unrecorded_person_is_unscreened_and_has_no_status() {
        let r = ProtectionRecord::default();
        assert_eq!(r.screening, Screening::NotScreened);
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        assert_eq!(recorded_status(Some(&ClaimState::lodged(Track::Regular, day)), &r), None);
        let f = guard_facts(PersonId::generate(), Citizenship::Undetermined, &r, None);
        assert!(!f.identity_established);
    }
}
