//! The non-refoulement guard: may this person be removed to that country?
//!
//! Every removal is evaluated **person by person**. A [`RemovalRequest`] names people by identifier only;
//! there is no field for a nationality, a group or a category, and no function returns one verdict for
//! several people, so a group-based decision cannot be expressed. [`evaluate_group`] returns one
//! [`GuardVerdict`] per person.
//!
//! The guard refuses when any rule below applies; every refusal carries an article-level citation:
//!
//! | code | rule |
//! | --- | --- |
//! | `not_individually_screened` | no individual screening (EXCOM Conclusion No. 8 (XXVIII) 1977) |
//! | `no_status_determination` | protection needs indicated but no claim determined |
//! | `claim_pending` | claim, review or appeal pending, or appeal window open (suspensive effect) |
//! | `reopening_possible` / `closed_as_duplicate` | a closed file that may still be reopened |
//! | `recognised_refugee` | Art. 33(1), unless a valid individual Art. 33(2) decision |
//! | `complementary_protection` | a beneficiary of complementary protection |
//! | `torture_risk` | Art. 3 CAT / Art. 7 ICCPR: absolute, no exception |
//! | `return_to_country_of_origin` | a refugee or claimant sent to the country they fled |
//! | `chain_refoulement_risk` | a third country not individually assessed as safe (incl. onward removal) |
//! | `identity_not_established` / `nationality_unknown` | the protection record cannot be verified |
//!
//! Voluntary repatriation is a separate path, [`evaluate_voluntary_repatriation`]: it requires each adult's
//! own recorded informed consent and a voluntariness interview, and for children the consent of their
//! guardian.

use crate::convention::assessment::AbsoluteBarInstrument;
use crate::convention::procedure::{pending, ClaimState, ClosureReason, Outcome, Stage};
use crate::convention::Citation;
use crate::country::{Citizenship, Iso3};
use crate::event::Actor;
use crate::ids::PersonId;
use crate::name::Reason;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whether the person was individually screened for protection needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Screening {
    /// Never individually screened.
    NotScreened,
    /// Screened individually.
    Screened {
        /// When.
        on: NaiveDate,
        /// The person expressed a fear of return or the screening found other protection needs.
        protection_needs_indicated: bool,
    },
}

/// A protection status recorded outside the claim held here (e.g. recognised prima facie, under UNHCR's
/// mandate, or by another State).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordedStatus {
    /// A recognised refugee.
    Refugee,
    /// A beneficiary of complementary protection.
    ComplementaryProtection,
}

/// A recorded risk of torture or cruel, inhuman or degrading treatment in one country. An absolute bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TortureRisk {
    /// The country where the risk exists.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: Iso3,
    /// The instrument.
    pub instrument: AbsoluteBarInstrument,
    /// When it was recorded.
    pub recorded_on: NaiveDate,
}

/// The authorities that may decide an Art. 33(2) exception. Nothing below this level can: the type has no
/// variant for a clerk, an officer or an automated process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SeniorRole {
    /// The responsible minister or their designated senior delegate.
    Minister,
    /// The head of the national asylum authority.
    HeadOfAsylumAuthority,
    /// A court or tribunal.
    Court,
}

/// The ground of an Art. 33(2) exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Art33_2Ground {
    /// Reasonable grounds for regarding the refugee as a danger to the security of the country.
    DangerToSecurity,
    /// Convicted by a final judgment of a particularly serious crime, and a danger to the community.
    ConvictedParticularlySeriousCrimeAndDangerToCommunity {
        /// The judgment is final (Art. 33(2): "by a final judgment").
        final_judgment: bool,
    },
}

/// An individual decision that Art. 33(2) applies to one refugee. It lifts Art. 33(1) only; it never lifts
/// the absolute prohibitions of Art. 3 CAT and Art. 7 ICCPR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[allow(non_camel_case_types)]
pub struct Art33_2Exception {
    /// The refugee it concerns (a decision about someone else is void for this person).
    pub person: PersonId,
    /// Who decided.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub decided_by: Actor,
    /// In what senior role.
    pub decided_by_role: SeniorRole,
    /// When.
    pub decided_on: NaiveDate,
    /// The written, individual reasons.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reasons: Reason,
    /// The ground.
    pub ground: Art33_2Ground,
    /// The refugee was heard and could contest the decision (due process: UNHCR Advisory Opinion on
    /// Non-Refoulement, 2007; EXCOM Conclusion No. 7 (XXVIII) 1977 on expulsion and its procedural safeguards).
    pub person_heard: bool,
}

impl Art33_2Exception {
    /// Why the decision cannot be relied on for `person` on `today`, if it cannot.
    pub fn defect(&self, person: PersonId, today: NaiveDate) -> Option<&'static str> {
        if self.person != person {
            return Some("the Art. 33(2) decision concerns another person; it must be an individual decision about this refugee");
        }
        if self.decided_on > today {
            return Some("the Art. 33(2) decision is dated in the future");
        }
        if !self.person_heard {
            return Some("the refugee was not heard before the Art. 33(2) decision; due process is required");
        }
        if let Art33_2Ground::ConvictedParticularlySeriousCrimeAndDangerToCommunity { final_judgment: false } = self.ground {
            return Some("Art. 33(2) requires conviction by a final judgment");
        }
        None
    }
}

/// An individual assessment that a third country is safe for this person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SafeThirdCountryAssessment {
    /// The third country.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub destination: Iso3,
    /// When it was assessed.
    pub assessed_on: NaiveDate,
    /// The country will admit the person.
    pub readmission_assured: bool,
    /// The country will not send the person on to a place of risk (chain refoulement).
    pub no_onward_refoulement_risk: bool,
    /// The person will have access to a fair procedure and effective protection there.
    pub access_to_protection: bool,
}

impl SafeThirdCountryAssessment {
    fn sound(&self, today: NaiveDate) -> bool {
        self.readmission_assured && self.no_onward_refoulement_risk && self.access_to_protection && self.assessed_on <= today
    }
}

/// What is known about one person for the removal guard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonProtectionFacts {
    /// The person.
    pub person: PersonId,
    /// Individual screening.
    pub screening: Screening,
    /// Their claim, if one was lodged.
    pub claim: Option<ClaimState>,
    /// A protection status recorded outside that claim.
    #[serde(default)]
    pub recorded_status: Option<RecordedStatus>,
    /// Identity established.
    pub identity_established: bool,
    /// Nationality as established (`{"kind": "countries", "countries": ["SYR"]}`, `{"kind": "stateless"}` or
    /// `{"kind": "undetermined"}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub nationality: Citizenship,
    /// Recorded risks of torture or cruel, inhuman or degrading treatment.
    #[serde(default)]
    pub torture_risks: Vec<TortureRisk>,
    /// An individual Art. 33(2) decision.
    #[serde(default)]
    pub art33_2_exception: Option<Art33_2Exception>,
    /// Individual safe-third-country assessments.
    #[serde(default)]
    pub safe_third_country_assessments: Vec<SafeThirdCountryAssessment>,
}

/// The kind of removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RemovalKind {
    /// Removal of a person without a right to stay.
    Removal,
    /// Deportation / expulsion (see also Art. 32 for refugees lawfully in the territory).
    Deportation,
    /// Extradition to another State (Art. 33 applies: UNHCR Guidance Note on Extradition, 2008).
    Extradition,
    /// Transfer to another State responsible for the claim.
    Transfer,
}

/// A request to remove people to one destination. People are named by identifier only: there is
/// deliberately no nationality, group or category field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RemovalRequest {
    /// The kind of removal.
    pub kind: RemovalKind,
    /// Where to.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub destination: Iso3,
    /// The people, each evaluated on their own facts.
    pub persons: Vec<PersonId>,
}

/// The date the guard evaluates on (passed in; the crate reads no clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardContext {
    /// Today.
    pub today: NaiveDate,
}

/// Stable codes for refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// No protection record exists for the person.
    NoProtectionRecord,
    /// The person is not named in the request.
    NotInRequest,
    /// Never individually screened.
    NotIndividuallyScreened,
    /// Protection needs indicated but no determination.
    NoStatusDetermination,
    /// A claim, review or appeal is pending or the appeal window is open.
    ClaimPending,
    /// A closed file may still be reopened.
    ReopeningPossible,
    /// The file was closed as a duplicate; use the file kept.
    ClosedAsDuplicate,
    /// A refugee without a valid Art. 33(2) decision.
    RecognisedRefugee,
    /// A beneficiary of complementary protection.
    ComplementaryProtection,
    /// A recorded risk of torture or CIDT in the destination (absolute).
    TortureRisk,
    /// Return of a refugee, claimant or beneficiary to the country fled.
    ReturnToCountryOfOrigin,
    /// A third country not individually assessed as safe.
    ChainRefoulementRisk,
    /// Identity not established.
    IdentityNotEstablished,
    /// Nationality not established.
    NationalityUnknown,
    /// Voluntary repatriation: no informed consent recorded.
    MissingInformedConsent,
    /// Voluntary repatriation: consent given by someone else.
    ConsentNotGivenByThePerson,
    /// Voluntary repatriation: not informed of conditions of return.
    NotInformedOfConditions,
    /// Voluntary repatriation: no voluntariness interview.
    MissingVoluntarinessInterview,
    /// Voluntary repatriation: the interview does not establish a free decision.
    VoluntarinessNotEstablished,
    /// Voluntary repatriation: no consent from the child's guardian.
    ChildWithoutGuardianConsent,
    /// Voluntary repatriation: a child returning without the guardian and no best-interests determination.
    ChildBestInterestsNotAssessed,
    /// A record is dated after today.
    RecordDatedInFuture,
}

/// One reason the removal may not proceed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refusal {
    /// Stable code.
    pub code: RefusalCode,
    /// What the problem is and what would have to change.
    pub reason: String,
    /// The legal source.
    pub citation: Citation,
}

/// The guard's verdict for one person. `allowed` is true exactly when there is no refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardVerdict {
    person: PersonId,
    allowed: bool,
    refusals: Vec<Refusal>,
}

impl GuardVerdict {
    fn from_refusals(person: PersonId, refusals: Vec<Refusal>) -> Self {
        Self { person, allowed: refusals.is_empty(), refusals }
    }
    /// The person.
    pub fn person(&self) -> PersonId {
        self.person
    }
    /// True if nothing bars the removal (or the repatriation).
    pub fn allowed(&self) -> bool {
        self.allowed
    }
    /// Every reason against, with its source.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }
    /// True if a refusal with `code` is present.
    pub fn refused_for(&self, code: RefusalCode) -> bool {
        self.refusals.iter().any(|r| r.code == code)
    }
}

fn refuse(v: &mut Vec<Refusal>, code: RefusalCode, reason: impl Into<String>, citation: &str) {
    v.push(Refusal { code, reason: reason.into(), citation: Citation::new(citation) });
}

const ART_33_1: &str = "1951 Convention, Art. 33(1); EXCOM Conclusion No. 6 (XXVIII) 1977";

/// Evaluates the removal of one person. Pure: every rule is applied and every refusal reported.
pub fn evaluate_removal(person: &PersonProtectionFacts, request: &RemovalRequest, ctx: &GuardContext) -> GuardVerdict {
    let today = ctx.today;
    let dest = request.destination;
    let mut v = Vec::new();

    if !request.persons.contains(&person.person) {
        refuse(
            &mut v,
            RefusalCode::NotInRequest,
            "the person is not named in the request; each person must be named and evaluated individually",
            "1951 Convention, Art. 33(1); Protocol No. 4 ECHR, Art. 4 (prohibition of collective expulsion)",
        );
    }

    // Screening and determination.
    match person.screening {
        Screening::NotScreened => refuse(
            &mut v,
            RefusalCode::NotIndividuallyScreened,
            "the person was never individually screened for protection needs; screen them individually before any removal",
            "1951 Convention, Art. 33(1); EXCOM Conclusion No. 8 (XXVIII) 1977 para. (e); UNHCR Procedural Standards (2005) Unit 3",
        ),
        Screening::Screened { on, .. } if on > today => refuse(
            &mut v,
            RefusalCode::RecordDatedInFuture,
            format!("the screening is dated {on}, after today; correct the record"),
            "EXCOM Conclusion No. 8 (XXVIII) 1977",
        ),
        Screening::Screened { protection_needs_indicated: true, .. } if person.claim.is_none() && person.recorded_status.is_none() => refuse(
            &mut v,
            RefusalCode::NoStatusDetermination,
            "screening indicated protection needs but no claim has been determined; refer the person to refugee status determination",
            "1951 Convention, Art. 33(1); EXCOM Conclusion No. 8 (XXVIII) 1977 para. (e); Handbook paras 189-192",
        ),
        Screening::Screened { .. } => {}
    }

    // The claim.
    let claim_recognised = person.claim.as_ref().is_some_and(ClaimState::recognised);
    let claim_complementary = person.claim.as_ref().is_some_and(|c| c.outcome() == Some(Outcome::ComplementaryProtection));
    let is_pending = person.claim.as_ref().is_some_and(|c| pending(c, today));
    if let Some(claim) = &person.claim {
        if is_pending {
            refuse(
                &mut v,
                RefusalCode::ClaimPending,
                format!(
                    "the claim is {} and a claim, review or appeal is pending or the appeal window is open; no removal until it is final",
                    claim.stage().kind()
                ),
                "1951 Convention, Art. 33(1); EXCOM Conclusion No. 8 (XXVIII) 1977 para. (e)(vii); UNHCR Procedural Standards (2005) Unit 7 (appeals)",
            );
        }
        if let Stage::Closed { reason, reopenable_until } = claim.stage() {
            match reason {
                ClosureReason::Duplicate => refuse(
                    &mut v,
                    RefusalCode::ClosedAsDuplicate,
                    "this file was closed as a duplicate; evaluate the person on the file that was kept",
                    "UNHCR Procedural Standards (2005) (closure of files)",
                ),
                ClosureReason::Abandoned | ClosureReason::Withdrawn if reopenable_until.is_some_and(|u| today <= u) => refuse(
                    &mut v,
                    RefusalCode::ReopeningPossible,
                    format!("the claim was closed without a decision and may be reopened until {}; no removal before then", reopenable_until.unwrap_or(today)),
                    "UNHCR Procedural Standards (2005) (reopening of closed files); 1951 Convention, Art. 33(1)",
                ),
                _ => {}
            }
        }
    }

    // Refugees: Art. 33(1), unless a valid individual Art. 33(2) decision.
    let refugee = claim_recognised || person.recorded_status == Some(RecordedStatus::Refugee);
    let valid_exception = person.art33_2_exception.as_ref().is_some_and(|x| x.defect(person.person, today).is_none());
    if refugee {
        match &person.art33_2_exception {
            None => refuse(
                &mut v,
                RefusalCode::RecognisedRefugee,
                "the person is a recognised refugee; removal is prohibited unless an authorised senior authority has decided individually that Art. 33(2) applies",
                ART_33_1,
            ),
            Some(x) => {
                if let Some(defect) = x.defect(person.person, today) {
                    refuse(
                        &mut v,
                        RefusalCode::RecognisedRefugee,
                        format!("the person is a recognised refugee and the Art. 33(2) decision cannot be relied on: {defect}"),
                        "1951 Convention, Art. 33(1)-(2); UNHCR Advisory Opinion on Non-Refoulement (2007) paras 10-12",
                    );
                }
            }
        }
    }

    // Complementary protection.
    if claim_complementary || person.recorded_status == Some(RecordedStatus::ComplementaryProtection) {
        refuse(
            &mut v,
            RefusalCode::ComplementaryProtection,
            "the person holds complementary protection because of a real risk of serious harm; it must be ended through its own procedure before any removal",
            "CAT Art. 3; ICCPR Arts 6-7; EU Qualification Directive Arts 15, 21",
        );
    }

    // Absolute bars: torture and cruel, inhuman or degrading treatment.
    for r in person.torture_risks.iter().filter(|r| r.country == dest) {
        let cite = match r.instrument {
            AbsoluteBarInstrument::CatArticle3 => "Convention against Torture, Art. 3 (absolute; CAT General Comment No. 4 (2017) para. 9)",
            AbsoluteBarInstrument::IccprArticle7 => "ICCPR Art. 7 (absolute; Human Rights Committee General Comment No. 20 para. 9, No. 31 para. 12)",
        };
        refuse(
            &mut v,
            RefusalCode::TortureRisk,
            format!("a risk of torture or cruel, inhuman or degrading treatment in {dest} was recorded on {}; this bar has no exception, not even under Art. 33(2) or exclusion", r.recorded_on),
            cite,
        );
    }

    // Identity and nationality.
    if !person.identity_established {
        refuse(
            &mut v,
            RefusalCode::IdentityNotEstablished,
            "the person's identity is not established, so their protection record cannot be verified; establish identity first",
            "EXCOM Conclusion No. 8 (XXVIII) 1977; EXCOM Conclusion No. 91 (LII) 2001 (registration); UNHCR Procedural Standards (2005) Unit 3 (registration)",
        );
    }
    let origins: Vec<Iso3> = match &person.nationality {
        Citizenship::Countries(cs) => cs.clone(),
        _ => Vec::new(),
    };
    match &person.nationality {
        Citizenship::Undetermined => refuse(
            &mut v,
            RefusalCode::NationalityUnknown,
            "the person's nationality is not established, so the country of feared persecution and the safety of the destination cannot be assessed",
            "1951 Convention, Art. 1A(2) and 33(1); Handbook paras 87-93",
        ),
        Citizenship::Countries(cs) if cs.is_empty() => refuse(
            &mut v,
            RefusalCode::NationalityUnknown,
            "no nationality is recorded; record the nationality or statelessness",
            "1951 Convention, Art. 1A(2) and 33(1)",
        ),
        _ => {}
    }

    // Destination.
    if origins.contains(&dest) {
        // A valid Art. 33(2) decision lifts Art. 33(1) for a refugee, and with it this bar (not the others).
        if (refugee && !valid_exception) || is_pending || claim_complementary {
            refuse(
                &mut v,
                RefusalCode::ReturnToCountryOfOrigin,
                format!("{dest} is the country the person fled; a refugee, a claimant or a protection beneficiary may not be returned there"),
                "1951 Convention, Art. 33(1) (\"to the frontiers of territories where his life or freedom would be threatened\")",
            );
        }
    } else {
        let assessed = person.safe_third_country_assessments.iter().any(|a| a.destination == dest && a.sound(today));
        if !assessed {
            refuse(
                &mut v,
                RefusalCode::ChainRefoulementRisk,
                format!(
                    "{dest} is not a country of the person's nationality and has not been individually assessed as safe (admission, access to protection, no onward removal to a place of risk)"
                ),
                "1951 Convention, Art. 33(1) (indirect refoulement); EXCOM Conclusion No. 58 (XL) 1989; No. 15 (XXX) 1979; ECtHR M.S.S. v Belgium and Greece (2011); T.I. v UK (2000)",
            );
        }
    }

    GuardVerdict::from_refusals(person.person, v)
}

/// Evaluates a request for several people, **one verdict per person**, in the order of the request.
/// A person without a protection record is refused (never assumed safe).
pub fn evaluate_group(facts: &[PersonProtectionFacts], request: &RemovalRequest, ctx: &GuardContext) -> Vec<(PersonId, GuardVerdict)> {
    request
        .persons
        .iter()
        .map(|id| {
            let verdict = match facts.iter().find(|f| f.person == *id) {
                Some(f) => evaluate_removal(f, request, ctx),
                None => {
                    let mut v = Vec::new();
                    refuse(
                        &mut v,
                        RefusalCode::NoProtectionRecord,
                        "no protection record was found for this person; screen and register them before any removal",
                        "1951 Convention, Art. 33(1); EXCOM Conclusion No. 8 (XXVIII) 1977",
                    );
                    GuardVerdict::from_refusals(*id, v)
                }
            };
            (*id, verdict)
        })
        .collect()
}

// ───────────────────────────── Voluntary repatriation ─────────────────────────────

/// A recorded informed consent to return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InformedConsent {
    /// Who gave it (must be the adult themselves, or a child's guardian).
    pub given_by: PersonId,
    /// When.
    pub recorded_on: NaiveDate,
    /// Who recorded it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub recorded_by: Actor,
    /// The person was given accurate, objective information about conditions in the country of return.
    pub informed_of_conditions: bool,
}

/// The record of an interview establishing that the decision to return is free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoluntarinessInterview {
    /// When.
    pub on: NaiveDate,
    /// Who interviewed.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub interviewed_by: Actor,
    /// The person was interviewed on their own, apart from family members and group leaders.
    pub conducted_individually: bool,
    /// No physical, psychological or material pressure was found (e.g. no reduction of assistance to push return).
    pub free_of_coercion: bool,
}

/// One person's part in a voluntary repatriation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum RepatriationParticipant {
    /// An adult: their own consent and their own interview.
    Adult {
        /// The person.
        person: PersonId,
        /// Their recorded informed consent.
        consent: Option<InformedConsent>,
        /// Their voluntariness interview.
        interview: Option<VoluntarinessInterview>,
    },
    /// A child: consent through their guardian.
    Child {
        /// The child.
        person: PersonId,
        /// The guardian.
        guardian: PersonId,
        /// The guardian's recorded informed consent for the child.
        guardian_consent: Option<InformedConsent>,
        /// A best-interests determination was made (required when the guardian does not return with the child).
        best_interests_assessed: bool,
    },
}

impl RepatriationParticipant {
    /// The person.
    pub fn person(&self) -> PersonId {
        match self {
            Self::Adult { person, .. } | Self::Child { person, .. } => *person,
        }
    }
}

/// A facilitated voluntary repatriation to one country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoluntaryRepatriation {
    /// The country of return.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub destination: Iso3,
    /// Each participant, with their own consent record.
    pub participants: Vec<RepatriationParticipant>,
}

const VOLUNTARY: &str = "1969 OAU Convention, Art. V(1); EXCOM Conclusions No. 18 (XXXI) 1980 and No. 40 (XXXVI) 1985; UNHCR Handbook on Voluntary Repatriation (1996) §2.3";

fn adult_ok(person: PersonId, consent: &Option<InformedConsent>, interview: &Option<VoluntarinessInterview>, today: NaiveDate, v: &mut Vec<Refusal>) {
    match consent {
        None => refuse(v, RefusalCode::MissingInformedConsent, "no informed consent is recorded for this adult; record their own consent", VOLUNTARY),
        Some(c) => {
            if c.given_by != person {
                refuse(
                    v,
                    RefusalCode::ConsentNotGivenByThePerson,
                    "the consent was given by someone else; every adult must consent for themselves, separately",
                    VOLUNTARY,
                );
            }
            if !c.informed_of_conditions {
                refuse(
                    v,
                    RefusalCode::NotInformedOfConditions,
                    "the person was not informed of conditions in the country of return; consent must be informed",
                    "UNHCR Handbook on Voluntary Repatriation (1996) §2.3 (voluntariness: a free and informed decision); EXCOM Conclusion No. 101 (LV) 2004",
                );
            }
            if c.recorded_on > today {
                refuse(v, RefusalCode::RecordDatedInFuture, "the consent is dated after today; correct the record", VOLUNTARY);
            }
        }
    }
    match interview {
        None => refuse(
            v,
            RefusalCode::MissingVoluntarinessInterview,
            "no voluntariness interview is recorded for this adult; interview them individually",
            "UNHCR Handbook on Voluntary Repatriation (1996) §2.3 (voluntariness)",
        ),
        Some(i) => {
            if !i.conducted_individually || !i.free_of_coercion {
                refuse(
                    v,
                    RefusalCode::VoluntarinessNotEstablished,
                    "the interview does not establish a free decision (not individual, or pressure was found)",
                    VOLUNTARY,
                );
            }
            if i.on > today {
                refuse(v, RefusalCode::RecordDatedInFuture, "the interview is dated after today; correct the record", VOLUNTARY);
            }
        }
    }
}

/// Evaluates a facilitated voluntary repatriation, one verdict per participant. Return is refused for anyone
/// without their own recorded informed consent and voluntariness interview (adults) or their guardian's consent
/// (children). Voluntariness is the cornerstone: no refugee is repatriated against their will.
pub fn evaluate_voluntary_repatriation(request: &VoluntaryRepatriation, ctx: &GuardContext) -> Vec<(PersonId, GuardVerdict)> {
    let today = ctx.today;
    request
        .participants
        .iter()
        .map(|p| {
            let mut v = Vec::new();
            match p {
                RepatriationParticipant::Adult { person, consent, interview } => adult_ok(*person, consent, interview, today, &mut v),
                RepatriationParticipant::Child { guardian, guardian_consent, best_interests_assessed, .. } => {
                    match guardian_consent {
                        Some(c) if c.given_by == *guardian && c.informed_of_conditions && c.recorded_on <= today => {}
                        _ => refuse(
                            &mut v,
                            RefusalCode::ChildWithoutGuardianConsent,
                            "no informed consent from the child's guardian is recorded; record the guardian's own consent",
                            "CRC Arts 3, 5, 18; UNHCR Handbook on Voluntary Repatriation (1996)",
                        ),
                    }
                    let guardian_returns = request.participants.iter().any(|q| q.person() == *guardian);
                    if !guardian_returns && !best_interests_assessed {
                        refuse(
                            &mut v,
                            RefusalCode::ChildBestInterestsNotAssessed,
                            "the child returns without their guardian and no best-interests determination was made",
                            "CRC Art. 3; UNHCR Guidelines on Determining the Best Interests of the Child (2008)",
                        );
                    }
                }
            }
            (p.person(), GuardVerdict::from_refusals(p.person(), v))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::convention::procedure::{Action, Context, ProcedureRules, Role, Track, WrittenNotice};
    use crate::person::LanguageCode;
    use chrono::{TimeZone, Utc};

    fn iso(s: &str) -> Iso3 {
        Iso3::parse(s).unwrap()
    }
    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn pid(n: u128) -> PersonId {
        PersonId::from_uuid(uuid::Uuid::from_u128(n))
    }
    const TODAY: (i32, u32, u32) = (2026, 6, 1);
    fn ctx() -> GuardContext {
        GuardContext { today: day(TODAY.0, TODAY.1, TODAY.2) }
    }
    fn request(dest: &str, ids: &[PersonId]) -> RemovalRequest {
        RemovalRequest { kind: RemovalKind::Removal, destination: iso(dest), persons: ids.to_vec() }
    }

    /// Walks a claim through the procedure to a final outcome (or stops early).
    fn claim(outcome: Outcome, finalise: bool) -> ClaimState {
        let rules = ProcedureRules::default();
        let mut s = ClaimState::lodged(Track::Regular, day(2025, 1, 6));
        let mut now = Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap();
        let reasons = Reason::parse("Findings of fact and law set out in the assessment of this claim, paragraph by paragraph.").unwrap();
        let steps: Vec<(&str, Role, i64, Action)> = vec![
            ("clerk", Role::RegistrationClerk, 0, Action::RegisterForRsd),
            (
                "clerk",
                Role::RegistrationClerk,
                0,
                Action::ScheduleInterview { at: now + chrono::Duration::days(10), language: LanguageCode::parse("ar").unwrap(), interpreter_required: true },
            ),
            ("officer", Role::EligibilityOfficer, 10, Action::RecordInterview),
            ("officer", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: outcome }),
            ("sup", Role::Supervisor, 1, Action::Review),
            ("officer", Role::EligibilityOfficer, 1, Action::Decide { outcome, reasons }),
            ("clerk", Role::RegistrationClerk, 1, Action::Notify { method: WrittenNotice::InPerson }),
        ];
        for (who, role, days, a) in steps {
            now += chrono::Duration::days(days);
            s = rules.apply(&s, &a, &Context { actor: Actor::parse(who).unwrap(), role, now }).unwrap().state;
        }
        if finalise {
            now += chrono::Duration::days(31);
            s = rules.apply(&s, &Action::Finalise, &Context { actor: Actor::parse("clerk").unwrap(), role: Role::RegistrationClerk, now }).unwrap().state;
        }
        s
    }

    /// A finally rejected, screened, identified Syrian: removable to Syria.
    fn rejected(id: PersonId) -> PersonProtectionFacts {
        PersonProtectionFacts {
            person: id,
            screening: Screening::Screened { on: day(2025, 1, 6), protection_needs_indicated: true },
            claim: Some(claim(Outcome::Rejected, true)),
            recorded_status: None,
            identity_established: true,
            nationality: Citizenship::Countries(vec![iso("SYR")]),
            torture_risks: vec![],
            art33_2_exception: None,
            safe_third_country_assessments: vec![],
        }
    }
    fn exception(id: PersonId) -> Art33_2Exception {
        Art33_2Exception {
            person: id,
            decided_by: Actor::parse("minister.delegate").unwrap(),
            decided_by_role: SeniorRole::Minister,
            decided_on: day(2026, 3, 1),
            reasons: Reason::parse("Individual assessment of the danger the refugee presents to national security.").unwrap(),
            ground: Art33_2Ground::DangerToSecurity,
            person_heard: true,
        }
    }

    #[test]
    fn a_finally_rejected_person_may_be_returned_to_their_country() {
        let v = evaluate_removal(&rejected(pid(1)), &request("SYR", &[pid(1)]), &ctx());
        assert!(v.allowed(), "{:?}", v.refusals());
        assert!(v.refusals().is_empty());
    }

    #[test]
    fn never_screened_people_are_refused_excom_8() {
        let mut f = rejected(pid(1));
        f.screening = Screening::NotScreened;
        f.claim = None;
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(!v.allowed() && v.refused_for(RefusalCode::NotIndividuallyScreened));
    }

    #[test]
    fn protection_needs_without_a_determination_are_refused() {
        let mut f = rejected(pid(1));
        f.claim = None;
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(v.refused_for(RefusalCode::NoStatusDetermination));
        // Screened without protection needs and no claim: this rule does not apply.
        f.screening = Screening::Screened { on: day(2025, 1, 6), protection_needs_indicated: false };
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx()).allowed());
    }

    #[test]
    fn pending_claims_and_open_appeal_windows_are_suspensive() {
        let mut f = rejected(pid(1));
        f.claim = Some(ClaimState::lodged(Track::Regular, day(2026, 5, 1)));
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(v.refused_for(RefusalCode::ClaimPending) && v.refused_for(RefusalCode::ReturnToCountryOfOrigin));
        // Notified, appeal window open.
        let notified = claim(Outcome::Rejected, false);
        f.claim = Some(notified.clone());
        let in_window = GuardContext { today: notified.since() };
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &in_window).refused_for(RefusalCode::ClaimPending));
        let after = GuardContext { today: notified.since() + chrono::Duration::days(31) };
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &after).allowed());
    }

    #[test]
    fn refugees_art_33_1_and_the_art_33_2_exception() {
        let mut f = rejected(pid(1));
        f.claim = Some(claim(Outcome::Recognised, true));
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(v.refused_for(RefusalCode::RecognisedRefugee));
        assert!(v.refusals().iter().any(|r| r.citation.as_str().contains("Art. 33(1)")));
        // A valid, individual Art. 33(2) decision lifts Art. 33(1) ...
        f.art33_2_exception = Some(exception(pid(1)));
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(v.allowed(), "{:?}", v.refusals());
        // ... but not a decision about someone else, without a hearing, or without a final judgment.
        for bad in [
            Art33_2Exception { person: pid(2), ..exception(pid(1)) },
            Art33_2Exception { person_heard: false, ..exception(pid(1)) },
            Art33_2Exception { ground: Art33_2Ground::ConvictedParticularlySeriousCrimeAndDangerToCommunity { final_judgment: false }, ..exception(pid(1)) },
            Art33_2Exception { decided_on: day(2027, 1, 1), ..exception(pid(1)) },
        ] {
            f.art33_2_exception = Some(bad);
            assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx()).refused_for(RefusalCode::RecognisedRefugee));
        }
        // And never where a torture risk is recorded: absolute.
        f.art33_2_exception = Some(exception(pid(1)));
        f.torture_risks = vec![TortureRisk { country: iso("SYR"), instrument: AbsoluteBarInstrument::CatArticle3, recorded_on: day(2025, 2, 1) }];
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(!v.allowed() && v.refused_for(RefusalCode::TortureRisk));
        assert!(v.refusals().iter().any(|r| r.citation.as_str().contains("Torture, Art. 3")));
    }

    #[test]
    fn recorded_statuses_outside_the_claim_count() {
        let mut f = rejected(pid(1));
        f.claim = None;
        f.recorded_status = Some(RecordedStatus::Refugee);
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx()).refused_for(RefusalCode::RecognisedRefugee));
        f.recorded_status = Some(RecordedStatus::ComplementaryProtection);
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx()).refused_for(RefusalCode::ComplementaryProtection));
    }

    #[test]
    fn complementary_protection_beneficiaries_are_refused() {
        let mut f = rejected(pid(1));
        f.claim = Some(claim(Outcome::ComplementaryProtection, true));
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(v.refused_for(RefusalCode::ComplementaryProtection) && v.refused_for(RefusalCode::ReturnToCountryOfOrigin));
    }

    #[test]
    fn torture_risk_is_an_absolute_bar_even_after_rejection_or_exclusion_cat_3() {
        let mut f = rejected(pid(1));
        f.claim = Some(claim(Outcome::Excluded, true));
        f.torture_risks = vec![TortureRisk { country: iso("SYR"), instrument: AbsoluteBarInstrument::IccprArticle7, recorded_on: day(2025, 2, 1) }];
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert_eq!(v.refusals().len(), 1);
        assert!(v.refused_for(RefusalCode::TortureRisk));
        assert!(v.refusals()[0].citation.as_str().contains("ICCPR Art. 7"));
    }

    #[test]
    fn unknown_identity_or_nationality_is_refused() {
        let mut f = rejected(pid(1));
        f.identity_established = false;
        f.nationality = Citizenship::Undetermined;
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        assert!(v.refused_for(RefusalCode::IdentityNotEstablished) && v.refused_for(RefusalCode::NationalityUnknown));
        f.nationality = Citizenship::Countries(vec![]);
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx()).refused_for(RefusalCode::NationalityUnknown));
    }

    #[test]
    fn third_countries_need_an_individual_safety_assessment_excom_58() {
        let f = rejected(pid(1));
        let v = evaluate_removal(&f, &request("LBY", &[pid(1)]), &ctx());
        assert!(v.refused_for(RefusalCode::ChainRefoulementRisk));
        let mut g = f.clone();
        let ok = SafeThirdCountryAssessment {
            destination: iso("ESP"),
            assessed_on: day(2026, 5, 1),
            readmission_assured: true,
            no_onward_refoulement_risk: true,
            access_to_protection: true,
        };
        g.safe_third_country_assessments = vec![SafeThirdCountryAssessment { no_onward_refoulement_risk: false, ..ok }];
        let mut req = request("ESP", &[pid(1)]);
        req.kind = RemovalKind::Transfer;
        assert!(evaluate_removal(&g, &req, &ctx()).refused_for(RefusalCode::ChainRefoulementRisk));
        g.safe_third_country_assessments = vec![ok];
        assert!(evaluate_removal(&g, &req, &ctx()).allowed());
        // The assessment is per destination.
        assert!(evaluate_removal(&g, &request("ITA", &[pid(1)]), &ctx()).refused_for(RefusalCode::ChainRefoulementRisk));
        // A stateless person has no country of nationality: every destination needs the assessment.
        let mut s = f;
        s.nationality = Citizenship::Stateless;
        assert!(evaluate_removal(&s, &request("MMR", &[pid(1)]), &ctx()).refused_for(RefusalCode::ChainRefoulementRisk));
    }

    #[test]
    fn closed_files_that_may_be_reopened_are_refused() {
        let rules = ProcedureRules::default();
        let lodged = ClaimState::lodged(Track::Regular, day(2026, 5, 1));
        let c = Context { actor: Actor::parse("clerk").unwrap(), role: Role::RegistrationClerk, now: Utc.with_ymd_and_hms(2026, 5, 2, 9, 0, 0).unwrap() };
        let closed = rules
            .apply(&lodged, &Action::Close { closure: ClosureReason::Abandoned, reason: Reason::parse("No contact.").unwrap() }, &c)
            .unwrap()
            .state;
        let mut f = rejected(pid(1));
        f.claim = Some(closed.clone());
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx()).refused_for(RefusalCode::ReopeningPossible));
        let later = GuardContext { today: day(2027, 1, 1) };
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &later).allowed());
        let dup = rules
            .apply(&lodged, &Action::Close { closure: ClosureReason::Duplicate, reason: Reason::parse("Duplicate.").unwrap() }, &c)
            .unwrap()
            .state;
        f.claim = Some(dup);
        assert!(evaluate_removal(&f, &request("SYR", &[pid(1)]), &later).refused_for(RefusalCode::ClosedAsDuplicate));
    }

    #[test]
    fn a_person_must_be_named_in_the_request() {
        let v = evaluate_removal(&rejected(pid(1)), &request("SYR", &[pid(2)]), &ctx());
        assert!(v.refused_for(RefusalCode::NotInRequest));
    }

    #[test]
    fn five_hundred_unscreened_people_of_one_nationality_are_each_refused_with_reasons() {
        let people: Vec<PersonProtectionFacts> = (0..500)
            .map(|n| PersonProtectionFacts {
                person: pid(n),
                screening: Screening::NotScreened,
                claim: None,
                recorded_status: None,
                identity_established: true,
                nationality: Citizenship::Countries(vec![iso("AFG")]),
                torture_risks: vec![],
                art33_2_exception: None,
                safe_third_country_assessments: vec![],
            })
            .collect();
        let ids: Vec<PersonId> = people.iter().map(|p| p.person).collect();
        let verdicts = evaluate_group(&people, &request("AFG", &ids), &ctx());
        assert_eq!(verdicts.len(), 500);
        for (i, (id, v)) in verdicts.iter().enumerate() {
            assert_eq!(*id, ids[i], "one verdict per person, in order");
            assert_eq!(v.person(), *id);
            assert!(!v.allowed());
            assert!(v.refused_for(RefusalCode::NotIndividuallyScreened));
            assert!(v.refusals().iter().all(|r| !r.reason.is_empty() && !r.citation.as_str().is_empty()));
        }
    }

    #[test]
    fn people_without_a_record_are_refused_in_a_group() {
        let known = rejected(pid(1));
        let verdicts = evaluate_group(std::slice::from_ref(&known), &request("SYR", &[pid(1), pid(2)]), &ctx());
        assert!(verdicts[0].1.allowed());
        assert!(verdicts[1].1.refused_for(RefusalCode::NoProtectionRecord));
    }

    fn consent(by: PersonId) -> Option<InformedConsent> {
        Some(InformedConsent { given_by: by, recorded_on: day(2026, 5, 20), recorded_by: Actor::parse("protection.officer").unwrap(), informed_of_conditions: true })
    }
    fn interview() -> Option<VoluntarinessInterview> {
        Some(VoluntarinessInterview { on: day(2026, 5, 20), interviewed_by: Actor::parse("protection.officer").unwrap(), conducted_individually: true, free_of_coercion: true })
    }

    #[test]
    fn voluntary_repatriation_needs_each_adults_own_consent_and_interview() {
        let mother = pid(1);
        let father = pid(2);
        let child = pid(3);
        let req = VoluntaryRepatriation {
            destination: iso("BDI"),
            participants: vec![
                RepatriationParticipant::Adult { person: mother, consent: consent(mother), interview: interview() },
                // The father's consent was signed by the mother: refused.
                RepatriationParticipant::Adult { person: father, consent: consent(mother), interview: interview() },
                RepatriationParticipant::Child { person: child, guardian: mother, guardian_consent: consent(mother), best_interests_assessed: false },
            ],
        };
        let v = evaluate_voluntary_repatriation(&req, &ctx());
        assert!(v[0].1.allowed());
        assert!(v[1].1.refused_for(RefusalCode::ConsentNotGivenByThePerson));
        assert!(v[2].1.allowed(), "{:?}", v[2].1.refusals());
    }

    #[test]
    fn voluntary_repatriation_refusals() {
        let a = pid(1);
        let c = pid(9);
        let cases: Vec<(RepatriationParticipant, RefusalCode)> = vec![
            (RepatriationParticipant::Adult { person: a, consent: None, interview: interview() }, RefusalCode::MissingInformedConsent),
            (RepatriationParticipant::Adult { person: a, consent: consent(a), interview: None }, RefusalCode::MissingVoluntarinessInterview),
            (
                RepatriationParticipant::Adult {
                    person: a,
                    consent: consent(a),
                    interview: interview().map(|i| VoluntarinessInterview { free_of_coercion: false, ..i }),
                },
                RefusalCode::VoluntarinessNotEstablished,
            ),
            (
                RepatriationParticipant::Adult { person: a, consent: consent(a).map(|x| InformedConsent { informed_of_conditions: false, ..x }), interview: interview() },
                RefusalCode::NotInformedOfConditions,
            ),
            (
                RepatriationParticipant::Adult { person: a, consent: consent(a).map(|x| InformedConsent { recorded_on: day(2027, 1, 1), ..x }), interview: interview() },
                RefusalCode::RecordDatedInFuture,
            ),
            (RepatriationParticipant::Child { person: c, guardian: a, guardian_consent: None, best_interests_assessed: true }, RefusalCode::ChildWithoutGuardianConsent),
            (
                RepatriationParticipant::Child { person: c, guardian: a, guardian_consent: consent(pid(5)), best_interests_assessed: true },
                RefusalCode::ChildWithoutGuardianConsent,
            ),
            (RepatriationParticipant::Child { person: c, guardian: a, guardian_consent: consent(a), best_interests_assessed: false }, RefusalCode::ChildBestInterestsNotAssessed),
        ];
        for (p, code) in cases {
            let req = VoluntaryRepatriation { destination: iso("BDI"), participants: vec![p.clone()] };
            let v = evaluate_voluntary_repatriation(&req, &ctx());
            assert!(v[0].1.refused_for(code), "{p:?} should be refused for {code:?}: {:?}", v[0].1.refusals());
            assert!(!v[0].1.allowed());
        }
    }

    #[test]
    fn verdicts_serialise_with_allowed_and_refusals() {
        let mut f = rejected(pid(1));
        f.screening = Screening::NotScreened;
        let v = evaluate_removal(&f, &request("SYR", &[pid(1)]), &ctx());
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["allowed"], false);
        assert_eq!(json["refusals"][0]["code"], "not_individually_screened");
    }
}
