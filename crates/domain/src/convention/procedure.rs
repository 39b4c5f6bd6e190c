//! The status-determination procedure: one claim is one explicit state machine.
//!
//! ```text
//! Lodged ─► RegisteredForRsd ─► InterviewScheduled ─► Interviewed ─► AssessmentDrafted ─► Reviewed ─► Decided
//!   │              │  (prima facie track: RecognisePrimaFacie ─► Decided{Recognised})          │ (simplified,  │
//!   │              │                                                                            │  positive only)
//!   └─ Close/Withdraw (before a decision) ─► Closed ─► Reopen ─► RegisteredForRsd               ▼               ▼
//! Decided ─► Notified (in writing; appeal window opens) ─► LodgeAppeal ─► AppealLodged ─► AppealDecided ─► Final
//!                      └─► Finalise (recognised, or window closed) ─► Final
//! Final{Recognised} ─► Ceased (Art. 1C) | Cancelled (wrongly granted) | Revoked (Art. 1F(a)/(c) after recognition)
//! ```
//!
//! Every change goes through [`ProcedureRules::apply`], which returns the next state or a
//! [`TransitionError`] naming the current state, the attempted action and what is allowed instead.
//! Sources: UNHCR, *Procedural Standards for Refugee Status Determination under UNHCR's Mandate* (2005; revised
//! 2020), cited "PS" with the 2005 unit/section numbers; UNHCR Handbook paras 189-223 (procedures);
//! EXCOM Conclusion No. 8 (XXVIII) 1977 (determination of refugee status: basic requirements).

use crate::convention::jurisdiction::RegionalInstrument;
use crate::convention::Citation;
use crate::country::Iso3;
use crate::event::Actor;
use crate::ids::PersonId;
use crate::name::Reason;
use crate::person::{LanguageCode, Relationship};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The outcome of a decision on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Recognised as a refugee (1951 Convention / 1967 Protocol, a regional instrument or UNHCR's mandate).
    Recognised,
    /// Not a refugee, but granted complementary protection (real risk of serious harm).
    ComplementaryProtection,
    /// Does not meet the criteria.
    Rejected,
    /// Meets the inclusion criteria but is excluded (Art. 1D first para, 1E or 1F).
    Excluded,
}

impl Outcome {
    /// True for every outcome that denies refugee status. These may be appealed, including complementary
    /// protection (an applicant may appeal to be recognised as a refugee).
    pub fn is_adverse(&self) -> bool {
        !matches!(self, Self::Recognised)
    }
}

/// How a claim is processed. A track can shorten time limits or skip a step only where the UNHCR
/// Procedural Standards allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// Every step, with the regular time limits.
    Regular,
    /// Shorter time limits (e.g. manifestly unfounded or manifestly well-founded claims, or applicants with
    /// urgent protection needs). Only the time limits change; every other step and safeguard applies, and **an
    /// interview is always required** (PS 2005 §4.6.4: manifestly unfounded claims are never decided on the
    /// papers; the Aide-Memoire on case processing modalities annexed to the RSD Procedural Standards, 2020:
    /// accelerated RSD shortens timelines only; EXCOM Conclusion No. 30 (XXXIV) 1983: a complete personal
    /// interview).
    Accelerated,
    /// A simplified interview and/or an abbreviated assessment for claims presumed manifestly well-founded
    /// (Aide-Memoire, 2020). The interview still takes place. **Design choice of this system, not a rule of the
    /// Standards:** only a positive decision may skip the second-officer review, so a simplified claim that may
    /// end in anything but recognition goes through the full review (or moves to the regular track).
    Simplified,
    /// Recognition as a member of a group covered by a [`PrimaFacieDeclaration`] (UNHCR Guidelines on
    /// International Protection No. 11, 2015). It can only recognise; anything else moves to the regular track.
    PrimaFacie,
}

/// Why a file was closed without a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    /// The applicant did not pursue the claim (e.g. missed the interview without explanation). May be reopened
    /// (PS 2005, closure and reopening of RSD files).
    Abandoned,
    /// The applicant withdrew the claim. May be reopened.
    Withdrawn,
    /// The applicant died. Not reopened.
    Deceased,
    /// A duplicate of another file. Not reopened.
    Duplicate,
}

/// How a written decision was delivered. There is no oral-only variant: notification must be in writing
/// (PS 2005 Unit 6; EXCOM Conclusion No. 8 (XXVIII) 1977 para. (e)(v)-(vi) on informing the applicant of the decision and of the time to appeal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WrittenNotice {
    /// Written decision handed over in person (with its content explained in a language the applicant understands).
    InPerson,
    /// Written decision sent by post.
    Post,
    /// Written decision sent electronically.
    Electronic,
}

/// A cessation clause of Art. 1C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CessationClause {
    /// Art. 1C(1): voluntarily re-availed of the protection of the country of nationality.
    #[serde(rename = "1C(1)")]
    ReAvailment,
    /// Art. 1C(2): having lost the nationality, voluntarily re-acquired it.
    #[serde(rename = "1C(2)")]
    ReAcquisition,
    /// Art. 1C(3): acquired a new nationality and enjoys its protection.
    #[serde(rename = "1C(3)")]
    NewNationality,
    /// Art. 1C(4): voluntarily re-established in the country left.
    #[serde(rename = "1C(4)")]
    ReEstablishment,
    /// Art. 1C(5): a national; the circumstances of recognition have ceased to exist.
    #[serde(rename = "1C(5)")]
    CircumstancesCeasedNational,
    /// Art. 1C(6): stateless; the circumstances have ceased and the person can return to the country of
    /// former habitual residence.
    #[serde(rename = "1C(6)")]
    CircumstancesCeasedStateless,
}

/// The only grounds on which a status may be **revoked**: conduct within Art. 1F(a) or 1F(c) after
/// recognition (UNHCR Guidelines on Exclusion, 2003, para. 6). A serious non-political crime after admission
/// (1F(b) applies only to crimes *prior to* admission) is a matter for Art. 33(2) and criminal law, so it has
/// no variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RevocationClause {
    /// Art. 1F(a): crime against peace, war crime or crime against humanity.
    #[serde(rename = "1F(a)")]
    Art1Fa,
    /// Art. 1F(c): acts contrary to the purposes and principles of the United Nations.
    #[serde(rename = "1F(c)")]
    Art1Fc,
}

/// The role of the person acting. Separation of duties follows the Procedural Standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Registration staff: lodging, registration, scheduling, recording notification and closures.
    RegistrationClerk,
    /// Eligibility officer: interviews, assessments, first-instance decisions.
    EligibilityOfficer,
    /// Supervisor / reviewing officer: reviews assessments (PS 2005 Unit 4, review of the assessment), changes tracks, late reopenings.
    Supervisor,
    /// Appeal officer: decides appeals; must not be the first-instance decision-maker (PS 2005 §7.1.1).
    AppealOfficer,
    /// Senior protection officer: may do everything, and alone may cease, cancel or revoke a status.
    SeniorProtectionOfficer,
}

/// Who acts, in what role, and when. The time is passed in: the domain crate reads no clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Context {
    /// The user acting.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor: Actor,
    /// Their role.
    pub role: Role,
    /// When (UTC).
    pub now: DateTime<Utc>,
}

impl Context {
    /// The calendar date of `now` (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}

/// A declaration that people of one origin who fled in one period are refugees prima facie (UNHCR Guidelines
/// on International Protection No. 11: Prima Facie Recognition of Refugee Status, 2015). It **recognises**
/// individually registered people; it never rejects anyone: no function here turns a group into a rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrimaFacieDeclaration {
    /// The country of origin (nationality, or former habitual residence for stateless people) covered.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub origin: Iso3,
    /// First day of flight covered.
    pub from: NaiveDate,
    /// Last day of flight covered (open-ended if absent).
    pub until: Option<NaiveDate>,
    /// The definition on which the group is recognised.
    pub basis: PrimaFacieBasis,
    /// Reference of the declaration (e.g. an official notice), for the record.
    pub reference: String,
}

/// The refugee definition a prima facie declaration rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrimaFacieBasis {
    /// Art. 1A(2) of the 1951 Convention: readily apparent, objective circumstances in the country of origin.
    #[serde(rename = "convention_1a2")]
    Convention1A2,
    /// A regional definition.
    Regional(RegionalInstrument),
}

/// One registered person considered under a prima facie declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrimaFacieCandidate {
    /// The person.
    pub person: PersonId,
    /// Their country of origin.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub origin: Iso3,
    /// The day they fled.
    pub fled_on: NaiveDate,
    /// Registered individually (a group is never recognised as a block without individual registration).
    pub individually_registered: bool,
    /// Registration found indications that an exclusion clause (Art. 1F) may apply.
    pub exclusion_indicators: bool,
}

/// What a prima facie declaration does for one person. There is no rejection variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum PrimaFacieResult {
    /// Recognised as a refugee on the declaration's basis.
    Recognised {
        /// The basis of recognition.
        basis: PrimaFacieBasis,
    },
    /// The declaration does not cover this person (other origin, or fled outside the period). This is not a
    /// rejection: the person's claim goes to individual determination.
    NotCovered {
        /// Why, and what to do.
        explanation: String,
    },
    /// The person must first be registered individually.
    RegisterIndividually,
    /// Exclusion indicators: the person is referred to an individual procedure with exclusion review
    /// (GIP No. 11, 2015: exclusion is assessed individually). Not a rejection.
    ReferForExclusionReview,
}

impl PrimaFacieDeclaration {
    /// Considers one registered person.
    pub fn consider(&self, c: &PrimaFacieCandidate) -> PrimaFacieResult {
        if !c.individually_registered {
            return PrimaFacieResult::RegisterIndividually;
        }
        if c.origin != self.origin {
            return PrimaFacieResult::NotCovered {
                explanation: format!(
                    "the declaration covers people from {} and this person is from {}; refer the claim to individual determination",
                    self.origin, c.origin
                ),
            };
        }
        if c.fled_on < self.from || self.until.is_some_and(|u| c.fled_on > u) {
            let until = self.until.map(|u| u.to_string()).unwrap_or_else(|| "open-ended".into());
            return PrimaFacieResult::NotCovered {
                explanation: format!(
                    "the person fled on {} and the declaration covers flight from {} to {until}; refer the claim to individual determination",
                    c.fled_on, self.from
                ),
            };
        }
        if c.exclusion_indicators {
            return PrimaFacieResult::ReferForExclusionReview;
        }
        PrimaFacieResult::Recognised { basis: self.basis }
    }
}

/// The stage a claim is in, with what that stage needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "stage")]
pub enum Stage {
    /// The claim was lodged (the person asked for international protection).
    Lodged,
    /// Registered for refugee status determination.
    RegisteredForRsd,
    /// An interview is scheduled.
    InterviewScheduled {
        /// When.
        at: DateTime<Utc>,
        /// Language of the interview.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        language: LanguageCode,
        /// An interpreter is required (PS 2005 §2.5: free, qualified, impartial).
        interpreter_required: bool,
    },
    /// The interview took place.
    Interviewed {
        /// Who interviewed.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        interviewed_by: Actor,
    },
    /// An assessment with a recommendation was written.
    AssessmentDrafted {
        /// The recommended outcome.
        recommendation: Outcome,
        /// Who wrote it.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        drafted_by: Actor,
    },
    /// A second officer reviewed the assessment (PS 2005 Unit 4, review of the assessment).
    Reviewed {
        /// The recommended outcome.
        recommendation: Outcome,
        /// Who wrote the assessment.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        drafted_by: Actor,
        /// Who reviewed it.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reviewed_by: Actor,
    },
    /// Decided at first instance, with written reasons; not yet notified.
    Decided {
        /// The outcome.
        outcome: Outcome,
        /// Who decided.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        decided_by: Actor,
        /// The written reasons.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reasons: Reason,
    },
    /// The decision was notified in writing.
    Notified {
        /// The outcome.
        outcome: Outcome,
        /// Who decided (an appeal must be decided by someone else).
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        decided_by: Actor,
        /// When it was notified.
        notified_on: NaiveDate,
        /// Last day to appeal (absent for a recognition, which is not adverse).
        appeal_deadline: Option<NaiveDate>,
    },
    /// An appeal was lodged. Appeals have suspensive effect: no removal while it is pending.
    AppealLodged {
        /// The first-instance outcome under appeal.
        first_instance: Outcome,
        /// Who decided at first instance.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        first_instance_by: Actor,
    },
    /// The appeal was decided, with written reasons; not yet notified.
    AppealDecided {
        /// The outcome on appeal.
        outcome: Outcome,
        /// Who decided the appeal.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        decided_by: Actor,
        /// The written reasons.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reasons: Reason,
    },
    /// The decision is final.
    Final {
        /// The final outcome.
        outcome: Outcome,
    },
    /// Closed without a decision.
    Closed {
        /// Why.
        reason: ClosureReason,
        /// Last day a request to reopen is considered without a supervisor (absent if never reopenable).
        reopenable_until: Option<NaiveDate>,
    },
    /// Refugee status ceased under Art. 1C.
    Ceased {
        /// The clause applied.
        clause: CessationClause,
    },
    /// Refugee status cancelled: it should never have been granted (UNHCR Note on Cancellation of Refugee
    /// Status, 2004).
    Cancelled,
    /// Refugee status revoked for Art. 1F(a) or 1F(c) conduct after recognition.
    Revoked {
        /// The clause applied.
        clause: RevocationClause,
    },
}

/// The name of a [`Stage`], without its data (for messages and lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// See [`Stage::Lodged`].
    Lodged,
    /// See [`Stage::RegisteredForRsd`].
    RegisteredForRsd,
    /// See [`Stage::InterviewScheduled`].
    InterviewScheduled,
    /// See [`Stage::Interviewed`].
    Interviewed,
    /// See [`Stage::AssessmentDrafted`].
    AssessmentDrafted,
    /// See [`Stage::Reviewed`].
    Reviewed,
    /// See [`Stage::Decided`].
    Decided,
    /// See [`Stage::Notified`].
    Notified,
    /// See [`Stage::AppealLodged`].
    AppealLodged,
    /// See [`Stage::AppealDecided`].
    AppealDecided,
    /// See [`Stage::Final`].
    Final,
    /// See [`Stage::Closed`].
    Closed,
    /// See [`Stage::Ceased`].
    Ceased,
    /// See [`Stage::Cancelled`].
    Cancelled,
    /// See [`Stage::Revoked`].
    Revoked,
}

impl StageKind {
    /// Every stage, in procedural order.
    pub const ALL: [StageKind; 15] = [
        StageKind::Lodged,
        StageKind::RegisteredForRsd,
        StageKind::InterviewScheduled,
        StageKind::Interviewed,
        StageKind::AssessmentDrafted,
        StageKind::Reviewed,
        StageKind::Decided,
        StageKind::Notified,
        StageKind::AppealLodged,
        StageKind::AppealDecided,
        StageKind::Final,
        StageKind::Closed,
        StageKind::Ceased,
        StageKind::Cancelled,
        StageKind::Revoked,
    ];
}

impl std::fmt::Display for StageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            Self::Lodged => "lodged",
            Self::RegisteredForRsd => "registered for RSD",
            Self::InterviewScheduled => "scheduled for interview",
            Self::Interviewed => "interviewed",
            Self::AssessmentDrafted => "assessed (draft)",
            Self::Reviewed => "reviewed",
            Self::Decided => "decided (not yet notified)",
            Self::Notified => "notified",
            Self::AppealLodged => "under appeal",
            Self::AppealDecided => "decided on appeal (not yet notified)",
            Self::Final => "final",
            Self::Closed => "closed",
            Self::Ceased => "ceased",
            Self::Cancelled => "cancelled",
            Self::Revoked => "revoked",
        };
        f.write_str(s)
    }
}

impl Stage {
    /// The stage's name.
    pub fn kind(&self) -> StageKind {
        match self {
            Self::Lodged => StageKind::Lodged,
            Self::RegisteredForRsd => StageKind::RegisteredForRsd,
            Self::InterviewScheduled { .. } => StageKind::InterviewScheduled,
            Self::Interviewed { .. } => StageKind::Interviewed,
            Self::AssessmentDrafted { .. } => StageKind::AssessmentDrafted,
            Self::Reviewed { .. } => StageKind::Reviewed,
            Self::Decided { .. } => StageKind::Decided,
            Self::Notified { .. } => StageKind::Notified,
            Self::AppealLodged { .. } => StageKind::AppealLodged,
            Self::AppealDecided { .. } => StageKind::AppealDecided,
            Self::Final { .. } => StageKind::Final,
            Self::Closed { .. } => StageKind::Closed,
            Self::Ceased { .. } => StageKind::Ceased,
            Self::Cancelled => StageKind::Cancelled,
            Self::Revoked { .. } => StageKind::Revoked,
        }
    }
}

/// The state of one claim: its track, its stage and the day that stage began. Built only by
/// [`ClaimState::lodged`] and [`ProcedureRules::apply`]; stored and read back as JSON, and re-checked when read
/// (a stored state that the machine could not have produced is refused with the reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "ClaimStateRecord")]
pub struct ClaimState {
    track: Track,
    stage: Stage,
    since: NaiveDate,
    lodged_on: NaiveDate,
}

/// The stored form of a [`ClaimState`], checked by `TryFrom` when read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimStateRecord {
    /// The track.
    pub track: Track,
    /// The stage.
    pub stage: Stage,
    /// The day the stage began.
    pub since: NaiveDate,
    /// The day the claim was lodged.
    pub lodged_on: NaiveDate,
}

impl TryFrom<ClaimStateRecord> for ClaimState {
    type Error = String;
    fn try_from(r: ClaimStateRecord) -> Result<Self, String> {
        if r.since < r.lodged_on {
            return Err(format!("since ({}) is before lodged_on ({}); a stage cannot begin before the claim was lodged", r.since, r.lodged_on));
        }
        match &r.stage {
            Stage::Notified { outcome, notified_on, appeal_deadline, .. } => {
                if *notified_on < r.lodged_on {
                    return Err(format!("notified_on ({notified_on}) is before the claim was lodged ({})", r.lodged_on));
                }
                match appeal_deadline {
                    None if outcome.is_adverse() => {
                        return Err(format!("a notified {outcome:?} decision needs an appeal_deadline: every adverse decision may be appealed"))
                    }
                    Some(_) if !outcome.is_adverse() => return Err("a recognition has no appeal_deadline; remove it".into()),
                    Some(d) if *d < *notified_on + chrono::Duration::days(15) => {
                        return Err(format!("appeal_deadline {d} leaves less than 15 days after notification on {notified_on} (CJEU Diouf C-69/10)"))
                    }
                    _ => {}
                }
            }
            Stage::Closed { reason, reopenable_until } => {
                let reopenable = matches!(reason, ClosureReason::Abandoned | ClosureReason::Withdrawn);
                if reopenable != reopenable_until.is_some() {
                    return Err(format!("a file closed as {reason:?} {} a reopenable_until date", if reopenable { "needs" } else { "cannot have" }));
                }
                if reopenable_until.is_some_and(|u| u < r.since) {
                    return Err("reopenable_until is before the file was closed".into());
                }
            }
            Stage::InterviewScheduled { .. } | Stage::Interviewed { .. } | Stage::AssessmentDrafted { .. } | Stage::Reviewed { .. }
                if r.track == Track::PrimaFacie =>
            {
                return Err("a prima facie claim has no interview or assessment stage; use the regular track".into());
            }
            _ => {}
        }
        Ok(Self { track: r.track, stage: r.stage, since: r.since, lodged_on: r.lodged_on })
    }
}

impl ClaimState {
    /// A claim lodged on `on`, processed on `track`.
    pub fn lodged(track: Track, on: NaiveDate) -> Self {
        Self { track, stage: Stage::Lodged, since: on, lodged_on: on }
    }
    /// The processing track.
    pub fn track(&self) -> Track {
        self.track
    }
    /// The current stage.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }
    /// The day the current stage began.
    pub fn since(&self) -> NaiveDate {
        self.since
    }
    /// The day the claim was lodged.
    pub fn lodged_on(&self) -> NaiveDate {
        self.lodged_on
    }

    /// The outcome currently in effect, if a decision has been taken and the status has not ended:
    /// the first-instance outcome (decided or notified), the outcome on appeal, or the final outcome.
    /// During an appeal it is the first-instance outcome under appeal.
    pub fn outcome(&self) -> Option<Outcome> {
        match &self.stage {
            Stage::Decided { outcome, .. }
            | Stage::Notified { outcome, .. }
            | Stage::AppealDecided { outcome, .. }
            | Stage::Final { outcome } => Some(*outcome),
            Stage::AppealLodged { first_instance, .. } => Some(*first_instance),
            _ => None,
        }
    }

    /// True if a decision (at any level, notified or not) recognises the person as a refugee and the status
    /// has not ceased, been cancelled or been revoked.
    pub fn recognised(&self) -> bool {
        self.outcome() == Some(Outcome::Recognised)
    }
}

/// True while the claim, a review or an appeal is pending, or the appeal window is open: the person may
/// not be removed (suspensive effect; EXCOM Conclusion No. 8 (XXVIII) 1977 para. (e)(vii): an applicant
/// should be permitted to remain pending the decision and any appeal).
///
/// Not pending: final decisions, closed files, a notified decision whose appeal window has closed, and the
/// later-life states (ceased, cancelled, revoked).
pub fn pending(state: &ClaimState, today: NaiveDate) -> bool {
    match &state.stage {
        Stage::Lodged
        | Stage::RegisteredForRsd
        | Stage::InterviewScheduled { .. }
        | Stage::Interviewed { .. }
        | Stage::AssessmentDrafted { .. }
        | Stage::Reviewed { .. }
        | Stage::Decided { .. }
        | Stage::AppealLodged { .. }
        | Stage::AppealDecided { .. } => true,
        Stage::Notified { appeal_deadline, .. } => appeal_deadline.is_some_and(|d| today <= d),
        Stage::Final { .. } | Stage::Closed { .. } | Stage::Ceased { .. } | Stage::Cancelled | Stage::Revoked { .. } => false,
    }
}

/// A command on a claim. Who acts and when is in the [`Context`]; what the command needs (including its
/// written reasons, where the law requires them) is in the variant, so a command without them cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// Register the claim for RSD.
    RegisterForRsd,
    /// Schedule (or reschedule) the interview.
    ScheduleInterview {
        /// When.
        at: DateTime<Utc>,
        /// Language of the interview.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        language: LanguageCode,
        /// An interpreter is required.
        interpreter_required: bool,
    },
    /// Record that the interview took place.
    RecordInterview,
    /// Record the written assessment and its recommendation.
    DraftAssessment {
        /// The recommended outcome.
        recommendation: Outcome,
    },
    /// Review the assessment (a second officer).
    Review,
    /// Decide at first instance. The reasons are mandatory and must be written.
    Decide {
        /// The outcome.
        outcome: Outcome,
        /// The written reasons: facts found and the legal basis.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reasons: Reason,
    },
    /// Recognise a registered person under a prima facie declaration (prima facie track only).
    RecognisePrimaFacie {
        /// The declaration.
        declaration: PrimaFacieDeclaration,
        /// The person's registration data.
        candidate: PrimaFacieCandidate,
    },
    /// Notify the decision in writing. Opens the appeal window for an adverse outcome.
    Notify {
        /// How the written decision was delivered.
        method: WrittenNotice,
    },
    /// The applicant appeals.
    LodgeAppeal {
        /// The grounds of appeal as stated (may be brief; PS 2005 Unit 7).
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        grounds: Reason,
        /// For an appeal after the deadline: the good cause for the delay (PS 2005 §7.2: deadlines applied flexibly).
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        late_reason: Option<Reason>,
    },
    /// Decide the appeal, with written reasons.
    DecideAppeal {
        /// The outcome.
        outcome: Outcome,
        /// The written reasons.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reasons: Reason,
    },
    /// Notify the appeal decision in writing; it becomes final.
    NotifyAppealDecision {
        /// How the written decision was delivered.
        method: WrittenNotice,
    },
    /// Make a notified first-instance decision final (a recognition at once; otherwise after the appeal window).
    Finalise,
    /// The applicant withdraws the claim (or, while an appeal is pending, the appeal).
    Withdraw {
        /// What the applicant said, as recorded.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reason: Reason,
    },
    /// Close the file without a decision.
    Close {
        /// Why.
        closure: ClosureReason,
        /// Note for the file.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reason: Reason,
    },
    /// Reopen a closed file.
    Reopen {
        /// Why.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reason: Reason,
    },
    /// Move the claim to another track before a decision.
    ChangeTrack {
        /// The new track.
        to: Track,
        /// Why.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reason: Reason,
    },
    /// End refugee status under Art. 1C.
    Cease {
        /// The clause.
        clause: CessationClause,
        /// Written reasons.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reasons: Reason,
    },
    /// Cancel a status that should never have been granted.
    Cancel {
        /// Written reasons.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reasons: Reason,
    },
    /// Revoke refugee status for conduct after recognition within Art. 1F(a) or (c).
    Revoke {
        /// The clause.
        clause: RevocationClause,
        /// Written reasons.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        reasons: Reason,
    },
}

/// The name of an [`Action`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// See [`Action::RegisterForRsd`].
    RegisterForRsd,
    /// See [`Action::ScheduleInterview`].
    ScheduleInterview,
    /// See [`Action::RecordInterview`].
    RecordInterview,
    /// See [`Action::DraftAssessment`].
    DraftAssessment,
    /// See [`Action::Review`].
    Review,
    /// See [`Action::Decide`].
    Decide,
    /// See [`Action::RecognisePrimaFacie`].
    RecognisePrimaFacie,
    /// See [`Action::Notify`].
    Notify,
    /// See [`Action::LodgeAppeal`].
    LodgeAppeal,
    /// See [`Action::DecideAppeal`].
    DecideAppeal,
    /// See [`Action::NotifyAppealDecision`].
    NotifyAppealDecision,
    /// See [`Action::Finalise`].
    Finalise,
    /// See [`Action::Withdraw`].
    Withdraw,
    /// See [`Action::Close`].
    Close,
    /// See [`Action::Reopen`].
    Reopen,
    /// See [`Action::ChangeTrack`].
    ChangeTrack,
    /// See [`Action::Cease`].
    Cease,
    /// See [`Action::Cancel`].
    Cancel,
    /// See [`Action::Revoke`].
    Revoke,
}

impl ActionKind {
    /// Every kind of step, in procedural order.
    pub const ALL: [ActionKind; 19] = [
        ActionKind::RegisterForRsd,
        ActionKind::ScheduleInterview,
        ActionKind::RecordInterview,
        ActionKind::DraftAssessment,
        ActionKind::Review,
        ActionKind::Decide,
        ActionKind::RecognisePrimaFacie,
        ActionKind::Notify,
        ActionKind::LodgeAppeal,
        ActionKind::DecideAppeal,
        ActionKind::NotifyAppealDecision,
        ActionKind::Finalise,
        ActionKind::Withdraw,
        ActionKind::Close,
        ActionKind::Reopen,
        ActionKind::ChangeTrack,
        ActionKind::Cease,
        ActionKind::Cancel,
        ActionKind::Revoke,
    ];
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            Self::RegisterForRsd => "register for RSD",
            Self::ScheduleInterview => "schedule the interview",
            Self::RecordInterview => "record the interview",
            Self::DraftAssessment => "draft the assessment",
            Self::Review => "review the assessment",
            Self::Decide => "decide",
            Self::RecognisePrimaFacie => "recognise prima facie",
            Self::Notify => "notify the decision",
            Self::LodgeAppeal => "lodge an appeal",
            Self::DecideAppeal => "decide the appeal",
            Self::NotifyAppealDecision => "notify the appeal decision",
            Self::Finalise => "finalise",
            Self::Withdraw => "withdraw",
            Self::Close => "close the file",
            Self::Reopen => "reopen",
            Self::ChangeTrack => "change track",
            Self::Cease => "cease the status",
            Self::Cancel => "cancel the status",
            Self::Revoke => "revoke the status",
        };
        f.write_str(s)
    }
}

impl Action {
    /// The action's name.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::RegisterForRsd => ActionKind::RegisterForRsd,
            Self::ScheduleInterview { .. } => ActionKind::ScheduleInterview,
            Self::RecordInterview => ActionKind::RecordInterview,
            Self::DraftAssessment { .. } => ActionKind::DraftAssessment,
            Self::Review => ActionKind::Review,
            Self::Decide { .. } => ActionKind::Decide,
            Self::RecognisePrimaFacie { .. } => ActionKind::RecognisePrimaFacie,
            Self::Notify { .. } => ActionKind::Notify,
            Self::LodgeAppeal { .. } => ActionKind::LodgeAppeal,
            Self::DecideAppeal { .. } => ActionKind::DecideAppeal,
            Self::NotifyAppealDecision { .. } => ActionKind::NotifyAppealDecision,
            Self::Finalise => ActionKind::Finalise,
            Self::Withdraw { .. } => ActionKind::Withdraw,
            Self::Close { .. } => ActionKind::Close,
            Self::Reopen { .. } => ActionKind::Reopen,
            Self::ChangeTrack { .. } => ActionKind::ChangeTrack,
            Self::Cease { .. } => ActionKind::Cease,
            Self::Cancel { .. } => ActionKind::Cancel,
            Self::Revoke { .. } => ActionKind::Revoke,
        }
    }

    /// The written reason carried by the action, if it has one.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Self::Decide { reasons, .. }
            | Self::DecideAppeal { reasons, .. }
            | Self::Cease { reasons, .. }
            | Self::Cancel { reasons }
            | Self::Revoke { reasons, .. } => Some(reasons),
            Self::Withdraw { reason } | Self::Close { reason, .. } | Self::Reopen { reason } | Self::ChangeTrack { reason, .. } => {
                Some(reason)
            }
            Self::LodgeAppeal { grounds, .. } => Some(grounds),
            _ => None,
        }
    }
}

/// What one applied action produced: the new state and the record to append to the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transition {
    /// The stage before.
    pub from: StageKind,
    /// The new state.
    pub state: ClaimState,
    /// The action applied.
    pub action: ActionKind,
    /// Who.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// The written reason given with the action, if any.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub reason: Option<Reason>,
    /// The legal or procedural source of the step.
    pub citation: Citation,
}

fn list(v: &[ActionKind]) -> String {
    if v.is_empty() {
        return "nothing (the file is closed for good)".into();
    }
    v.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ")
}

/// Why an action was refused. Every message names what was wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not possible in the current stage.
    #[error("cannot {attempted} while the claim is {state}; allowed now: {}", list(.allowed))]
    NotAllowed {
        /// The current stage.
        state: StageKind,
        /// The action attempted.
        attempted: ActionKind,
        /// What is allowed instead.
        allowed: Vec<ActionKind>,
    },
    /// The track does not allow this action here.
    #[error("cannot {attempted} on the {track:?} track while the claim is {state}: {instead}; allowed now: {}", list(.allowed))]
    NotOnTrack {
        /// The track.
        track: Track,
        /// The current stage.
        state: StageKind,
        /// The action attempted.
        attempted: ActionKind,
        /// What to do instead.
        instead: String,
        /// The actions allowed now.
        allowed: Vec<ActionKind>,
    },
    /// The role may not take this action.
    #[error("a {role:?} may not {attempted}; this needs one of: {required}")]
    NotAuthorised {
        /// The actor's role.
        role: Role,
        /// The action attempted.
        attempted: ActionKind,
        /// The roles that may.
        required: String,
    },
    /// The same person may not both write and review an assessment, or decide at first instance and on appeal.
    #[error("{actor} {conflict}; {what_to_do}")]
    ConflictOfDuties {
        /// The actor.
        actor: String,
        /// What they already did.
        conflict: &'static str,
        /// What to do.
        what_to_do: &'static str,
    },
    /// The action's time is before the current stage began.
    #[error("the action is dated {at}, before the claim entered its current stage on {since}; check the clock of the calling system")]
    BeforeCurrentStage {
        /// The action's date.
        at: NaiveDate,
        /// The day the stage began.
        since: NaiveDate,
    },
    /// The interview is too soon for the applicant to prepare.
    #[error("the interview on {at} is too soon: give the applicant at least {notice_days} days' notice (earliest {earliest}) (PS 2005 §4.3)")]
    NoticeTooShort {
        /// The proposed date.
        at: NaiveDate,
        /// The earliest acceptable date.
        earliest: NaiveDate,
        /// The notice required on this track.
        notice_days: u32,
    },
    /// Reasons for an adverse decision are too thin.
    #[error("the reasons for a {outcome:?} decision have {chars} characters; state the facts found, the evidence relied on and which legal criterion is not met (at least {min} characters; PS 2005 Unit 6)")]
    ReasonsTooShort {
        /// The outcome.
        outcome: Outcome,
        /// Length given.
        chars: usize,
        /// Minimum.
        min: usize,
    },
    /// The appeal deadline has passed and no good cause was given.
    #[error("the appeal deadline was {deadline}; to accept a late appeal, record the good cause for the delay in late_reason (PS 2005 §7.2)")]
    AppealOutOfTime {
        /// The deadline.
        deadline: NaiveDate,
    },
    /// A decision cannot become final while its appeal window is open.
    #[error("the appeal window is open until {deadline}; finalise after that day, or record the appeal")]
    AppealWindowOpen {
        /// The deadline.
        deadline: NaiveDate,
    },
    /// A prima facie declaration did not recognise the person.
    #[error("the prima facie declaration does not recognise this person: {explanation}")]
    PrimaFacieNotApplicable {
        /// Why, and what to do.
        explanation: String,
    },
    /// This closed file cannot be reopened.
    #[error("a file closed as {reason:?} cannot be reopened; {what_to_do}")]
    NotReopenable {
        /// Why it was closed.
        reason: ClosureReason,
        /// What to do.
        what_to_do: &'static str,
    },
}

/// Time limits, in days. Defaults follow the UNHCR Procedural Standards where they set a limit; the others
/// are operational targets, marked as such, to be set per operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ProcedureRules {
    /// Days to appeal after written notification (PS 2005 §7.2: at least 30 days). Default 30.
    pub appeal_window_days: u32,
    /// Days to appeal on the accelerated track. Default 30 (not shortened). Never below 15: CJEU, *Diouf*
    /// C-69/10 (2011), accepted 15 days in an accelerated procedure as the floor of an effective remedy.
    pub accelerated_appeal_window_days: u32,
    /// Minimum notice of an interview, in days (operational default 7).
    pub interview_notice_days: u32,
    /// Minimum notice on the accelerated track (operational default 2).
    pub accelerated_interview_notice_days: u32,
    /// Target days from lodging to registration (operational default 7).
    pub registration_days: u32,
    /// Target days from registration to scheduling the interview (operational default 30; accelerated: a quarter).
    pub scheduling_days: u32,
    /// Target days from interview to written assessment (operational default 30; accelerated 7; simplified 10).
    pub assessment_days: u32,
    /// Target days for the accelerated track's assessment.
    pub accelerated_assessment_days: u32,
    /// Target days for the simplified track's assessment.
    pub simplified_assessment_days: u32,
    /// Target days for the review (operational default 10).
    pub review_days: u32,
    /// Target days from review to decision (operational default 7).
    pub decision_days: u32,
    /// Target days from decision to written notification (operational default 7).
    pub notification_days: u32,
    /// Target days to decide an appeal (operational default 90).
    pub appeal_decision_days: u32,
    /// Days after closure during which a request to reopen is considered without a supervisor (PS 2005
    /// Unit 10 leaves the period to the office; operational default 180).
    pub reopen_window_days: u32,
    /// Minimum length of the written reasons for an adverse decision (default 40 characters).
    pub min_adverse_reason_chars: u32,
}

impl Default for ProcedureRules {
    fn default() -> Self {
        Self {
            appeal_window_days: 30,
            accelerated_appeal_window_days: 30,
            interview_notice_days: 7,
            accelerated_interview_notice_days: 2,
            registration_days: 7,
            scheduling_days: 30,
            assessment_days: 30,
            accelerated_assessment_days: 7,
            simplified_assessment_days: 10,
            review_days: 10,
            decision_days: 7,
            notification_days: 7,
            appeal_decision_days: 90,
            reopen_window_days: 180,
            min_adverse_reason_chars: 40,
        }
    }
}

/// The kind of a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Register the claim.
    Registration,
    /// Schedule the interview.
    InterviewScheduling,
    /// The interview itself.
    Interview,
    /// Write the assessment.
    Assessment,
    /// Review the assessment.
    Review,
    /// Decide.
    Decision,
    /// Notify the decision in writing.
    Notification,
    /// Last day for the applicant to appeal (a right, not a target).
    AppealWindow,
    /// Decide the appeal.
    AppealDecision,
    /// Last day to reopen without a supervisor.
    Reopening,
}

/// One time limit on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    /// What is due.
    pub kind: DeadlineKind,
    /// The last day.
    pub due: NaiveDate,
}

impl Role {
    /// True when this role may take actions of this kind at all (the state machine still checks
    /// the stage, the time limits and four-eyes rules).
    pub fn may_take(self, action: ActionKind) -> bool {
        permitted(self, action).is_ok()
    }
}

/// Which roles may take which action (separation of duties, PS 2005 Unit 4 and §7.1.1).
fn permitted(role: Role, action: ActionKind) -> Result<(), &'static str> {
    use ActionKind as A;
    use Role as R;
    let officer = matches!(role, R::EligibilityOfficer | R::Supervisor | R::AppealOfficer | R::SeniorProtectionOfficer);
    let (ok, required) = match action {
        A::RegisterForRsd | A::ScheduleInterview | A::Notify | A::NotifyAppealDecision | A::LodgeAppeal | A::Withdraw | A::Close | A::Finalise => {
            (true, "any role")
        }
        A::RecognisePrimaFacie => (true, "any role (the declaration recognises; registration checks coverage)"),
        A::RecordInterview | A::DraftAssessment | A::Decide | A::Reopen => {
            (officer, "eligibility officer, supervisor, appeal officer or senior protection officer")
        }
        A::Review | A::ChangeTrack => (matches!(role, R::Supervisor | R::SeniorProtectionOfficer), "supervisor or senior protection officer"),
        A::DecideAppeal => (
            matches!(role, R::AppealOfficer | R::Supervisor | R::SeniorProtectionOfficer),
            "appeal officer, supervisor or senior protection officer",
        ),
        A::Cease | A::Cancel | A::Revoke => (role == R::SeniorProtectionOfficer, "senior protection officer"),
    };
    if ok {
        Ok(())
    } else {
        Err(required)
    }
}

fn add(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX)
}

const PRE_DECISION: &[StageKind] = &[
    StageKind::Lodged,
    StageKind::RegisteredForRsd,
    StageKind::InterviewScheduled,
    StageKind::Interviewed,
    StageKind::AssessmentDrafted,
    StageKind::Reviewed,
];

impl ProcedureRules {
    /// Checks the rules: every window positive, appeal windows at least 15 days (*Diouf*, C-69/10), accelerated
    /// limits no longer than the regular ones.
    pub fn validate(&self) -> Result<(), crate::error::ValidationErrors> {
        use crate::error::{ParseError, ValidationErrors};
        let mut e = ValidationErrors::new();
        for (field, v) in [("appeal_window_days", self.appeal_window_days), ("accelerated_appeal_window_days", self.accelerated_appeal_window_days)] {
            if v < 15 {
                e.push(
                    field,
                    ParseError::new(
                        "appeal_window_too_short",
                        format!("{v} days leaves no effective remedy; allow at least 15 days (CJEU Diouf C-69/10), 30 under the UNHCR Procedural Standards §7.2"),
                    ),
                );
            }
        }
        if self.accelerated_interview_notice_days > self.interview_notice_days {
            e.push(
                "accelerated_interview_notice_days",
                ParseError::new("accelerated_longer", "the accelerated notice is longer than the regular one; make it shorter or equal"),
            );
        }
        for (field, v) in [
            ("interview_notice_days", self.interview_notice_days),
            ("registration_days", self.registration_days),
            ("scheduling_days", self.scheduling_days),
            ("assessment_days", self.assessment_days),
            ("accelerated_assessment_days", self.accelerated_assessment_days),
            ("simplified_assessment_days", self.simplified_assessment_days),
            ("review_days", self.review_days),
            ("decision_days", self.decision_days),
            ("notification_days", self.notification_days),
            ("appeal_decision_days", self.appeal_decision_days),
            ("reopen_window_days", self.reopen_window_days),
        ] {
            if v == 0 || v > 3650 {
                e.push(field, ParseError::new("days_out_of_range", format!("{v} is not a usable number of days; use 1 to 3650")));
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }

    fn appeal_window(&self, track: Track) -> u32 {
        match track {
            Track::Accelerated => self.accelerated_appeal_window_days.max(15),
            _ => self.appeal_window_days.max(15),
        }
    }

    fn notice(&self, track: Track) -> u32 {
        match track {
            Track::Accelerated => self.accelerated_interview_notice_days,
            _ => self.interview_notice_days,
        }
    }

    /// The time limits running on a claim in its current stage.
    pub fn deadlines(&self, state: &ClaimState) -> Vec<Deadline> {
        let s = state.since;
        let t = state.track;
        let one = |kind, due| vec![Deadline { kind, due }];
        match &state.stage {
            Stage::Lodged => one(DeadlineKind::Registration, add(s, self.registration_days)),
            Stage::RegisteredForRsd => {
                let days = if t == Track::Accelerated { self.scheduling_days.div_ceil(4) } else { self.scheduling_days };
                one(DeadlineKind::InterviewScheduling, add(s, days))
            }
            Stage::InterviewScheduled { at, .. } => one(DeadlineKind::Interview, at.date_naive()),
            Stage::Interviewed { .. } => {
                let days = match t {
                    Track::Accelerated => self.accelerated_assessment_days,
                    Track::Simplified => self.simplified_assessment_days,
                    _ => self.assessment_days,
                };
                one(DeadlineKind::Assessment, add(s, days))
            }
            Stage::AssessmentDrafted { .. } => one(DeadlineKind::Review, add(s, self.review_days)),
            Stage::Reviewed { .. } => one(DeadlineKind::Decision, add(s, self.decision_days)),
            Stage::Decided { .. } | Stage::AppealDecided { .. } => one(DeadlineKind::Notification, add(s, self.notification_days)),
            Stage::Notified { appeal_deadline: Some(d), .. } => one(DeadlineKind::AppealWindow, *d),
            Stage::AppealLodged { .. } => one(DeadlineKind::AppealDecision, add(s, self.appeal_decision_days)),
            Stage::Closed { reopenable_until: Some(d), .. } => one(DeadlineKind::Reopening, *d),
            _ => Vec::new(),
        }
    }

    /// The actions the stage and track allow (regardless of role and time).
    pub fn allowed_actions(&self, state: &ClaimState) -> Vec<ActionKind> {
        use ActionKind as A;
        let pre_decision_common = [A::Withdraw, A::Close, A::ChangeTrack];
        let mut v: Vec<ActionKind> = match &state.stage {
            Stage::Lodged => vec![A::RegisterForRsd],
            Stage::RegisteredForRsd => vec![A::ScheduleInterview],
            Stage::InterviewScheduled { .. } => vec![A::ScheduleInterview, A::RecordInterview],
            Stage::Interviewed { .. } => vec![A::DraftAssessment],
            Stage::AssessmentDrafted { recommendation, .. } => {
                let mut v = vec![A::Review];
                if state.track == Track::Simplified && *recommendation == Outcome::Recognised {
                    v.push(A::Decide);
                }
                v
            }
            Stage::Reviewed { .. } => vec![A::Decide, A::DraftAssessment],
            Stage::Decided { .. } => vec![A::Notify, A::Close],
            Stage::Notified { outcome, .. } => {
                if outcome.is_adverse() {
                    vec![A::LodgeAppeal, A::Finalise, A::Close]
                } else {
                    vec![A::Finalise, A::Close]
                }
            }
            Stage::AppealLodged { .. } => vec![A::DecideAppeal, A::Withdraw, A::Close],
            Stage::AppealDecided { .. } => vec![A::NotifyAppealDecision, A::Close],
            Stage::Final { outcome: Outcome::Recognised } => vec![A::Cease, A::Cancel, A::Revoke],
            Stage::Final { .. } => vec![],
            Stage::Closed { reason, .. } => match reason {
                ClosureReason::Abandoned | ClosureReason::Withdrawn => vec![A::Reopen],
                _ => vec![],
            },
            Stage::Ceased { .. } | Stage::Cancelled | Stage::Revoked { .. } => vec![],
        };
        if PRE_DECISION.contains(&state.stage.kind()) {
            if state.track == Track::PrimaFacie {
                // The prima facie track recognises from registration; it has no interview path of its own.
                v.retain(|a| matches!(a, A::RegisterForRsd));
                if matches!(state.stage, Stage::Lodged | Stage::RegisteredForRsd) {
                    v.push(A::RecognisePrimaFacie);
                }
            }
            v.extend(pre_decision_common);
        }
        v
    }

    /// Applies `action` to `state`. Pure: the same inputs always give the same result.
    pub fn apply(&self, state: &ClaimState, action: &Action, ctx: &Context) -> Result<Transition, TransitionError> {
        let kind = action.kind();
        let today = ctx.today();
        let from = state.stage.kind();
        if today < state.since {
            return Err(TransitionError::BeforeCurrentStage { at: today, since: state.since });
        }
        let not_allowed = || TransitionError::NotAllowed { state: from, attempted: kind, allowed: self.allowed_actions(state) };
        if !self.allowed_actions(state).contains(&kind) {
            // Give the track-specific explanation where the track, not the stage, is the obstacle.
            if let Some(e) = self.track_obstacle(state, action) {
                return Err(e);
            }
            return Err(not_allowed());
        }
        permitted(ctx.role, kind).map_err(|required| TransitionError::NotAuthorised {
            role: ctx.role,
            attempted: kind,
            required: required.to_string(),
        })?;

        let track = state.track;
        let mut next_track = track;
        let (stage, citation): (Stage, &str) = match (action, &state.stage) {
            (Action::RegisterForRsd, Stage::Lodged) => {
                (Stage::RegisteredForRsd, "PS 2005 Unit 3 (reception and registration); EXCOM Conclusion No. 8 (XXVIII) para. (e)")
            }
            (Action::ScheduleInterview { at, language, interpreter_required }, _) => {
                let notice = self.notice(track);
                let earliest = add(today, notice);
                if at.date_naive() < earliest {
                    return Err(TransitionError::NoticeTooShort { at: at.date_naive(), earliest, notice_days: notice });
                }
                (
                    Stage::InterviewScheduled { at: *at, language: language.clone(), interpreter_required: *interpreter_required },
                    "PS 2005 §4.3 (the RSD interview); §2.5 (interpretation)",
                )
            }
            (Action::RecordInterview, Stage::InterviewScheduled { .. }) => (
                Stage::Interviewed { interviewed_by: ctx.actor.clone() },
                "PS 2005 §4.3.1 (every principal applicant has a personal interview); Handbook paras 196, 199-205; EXCOM Conclusion No. 30 (XXXIV)",
            ),
            (Action::DraftAssessment { recommendation }, Stage::Interviewed { .. } | Stage::Reviewed { .. }) => (
                Stage::AssessmentDrafted { recommendation: *recommendation, drafted_by: ctx.actor.clone() },
                "PS 2005 Unit 4 (the RSD assessment: credibility, facts, law)",
            ),
            (Action::Review, Stage::AssessmentDrafted { recommendation, drafted_by }) => {
                if *drafted_by == ctx.actor {
                    return Err(TransitionError::ConflictOfDuties {
                        actor: ctx.actor.to_string(),
                        conflict: "wrote this assessment",
                        what_to_do: "a different supervisor or senior officer must review it (PS 2005 Unit 4, review of the assessment)",
                    });
                }
                (
                    Stage::Reviewed { recommendation: *recommendation, drafted_by: drafted_by.clone(), reviewed_by: ctx.actor.clone() },
                    "PS 2005 Unit 4 (review of the assessment by a second officer)",
                )
            }
            (Action::Decide { outcome, reasons }, Stage::Reviewed { .. } | Stage::AssessmentDrafted { .. }) => {
                if matches!(state.stage, Stage::AssessmentDrafted { .. }) && !(track == Track::Simplified && *outcome == Outcome::Recognised) {
                    return Err(TransitionError::NotOnTrack {
                        track,
                        state: from,
                        attempted: kind,
                        instead: "only a positive decision on the simplified track may skip the review; have the assessment reviewed first".into(),
                        allowed: self.allowed_actions(state),
                    });
                }
                self.check_reasons(*outcome, reasons)?;
                (
                    Stage::Decided { outcome: *outcome, decided_by: ctx.actor.clone(), reasons: reasons.clone() },
                    "PS 2005 Unit 6 (RSD decisions in writing, with reasons); EXCOM Conclusion No. 8 (XXVIII) para. (e)",
                )
            }
            (Action::RecognisePrimaFacie { declaration, candidate }, Stage::Lodged | Stage::RegisteredForRsd) => match declaration.consider(candidate) {
                PrimaFacieResult::Recognised { basis } => {
                    let text = format!(
                        "Recognised prima facie under declaration {:?} ({} origin, flight from {}), basis {:?}.",
                        declaration.reference, declaration.origin, declaration.from, basis
                    );
                    let reasons = Reason::parse(&text).map_err(|e| TransitionError::PrimaFacieNotApplicable { explanation: e.message })?;
                    (
                        Stage::Decided { outcome: Outcome::Recognised, decided_by: ctx.actor.clone(), reasons },
                        "UNHCR Guidelines on International Protection No. 11 (2015): prima facie recognition",
                    )
                }
                PrimaFacieResult::NotCovered { explanation } => {
                    return Err(TransitionError::PrimaFacieNotApplicable { explanation: format!("{explanation} (change to the regular track)") })
                }
                PrimaFacieResult::RegisterIndividually => {
                    return Err(TransitionError::PrimaFacieNotApplicable {
                        explanation: "the person is not individually registered; register them individually first".into(),
                    })
                }
                PrimaFacieResult::ReferForExclusionReview => {
                    return Err(TransitionError::PrimaFacieNotApplicable {
                        explanation: "registration found exclusion indicators; change to the regular track for an individual exclusion assessment".into(),
                    })
                }
            },
            (Action::Notify { .. }, Stage::Decided { outcome, decided_by, .. }) => {
                let appeal_deadline = outcome.is_adverse().then(|| add(today, self.appeal_window(track)));
                (
                    Stage::Notified { outcome: *outcome, decided_by: decided_by.clone(), notified_on: today, appeal_deadline },
                    "PS 2005 Unit 6 (written notification); §7.2 (appeal time limit runs from notification)",
                )
            }
            (Action::LodgeAppeal { late_reason, .. }, Stage::Notified { outcome, decided_by, appeal_deadline, .. }) => {
                if let Some(d) = appeal_deadline {
                    if today > *d && late_reason.is_none() {
                        return Err(TransitionError::AppealOutOfTime { deadline: *d });
                    }
                }
                (
                    Stage::AppealLodged { first_instance: *outcome, first_instance_by: decided_by.clone() },
                    "PS 2005 Unit 7 (right of appeal; suspensive effect); EXCOM Conclusion No. 8 (XXVIII) (e)(vi)-(vii)",
                )
            }
            (Action::DecideAppeal { outcome, reasons }, Stage::AppealLodged { first_instance_by, .. }) => {
                if *first_instance_by == ctx.actor {
                    return Err(TransitionError::ConflictOfDuties {
                        actor: ctx.actor.to_string(),
                        conflict: "decided this claim at first instance",
                        what_to_do: "the appeal must be decided by another officer (PS 2005 §7.1.1)",
                    });
                }
                self.check_reasons(*outcome, reasons)?;
                (
                    Stage::AppealDecided { outcome: *outcome, decided_by: ctx.actor.clone(), reasons: reasons.clone() },
                    "PS 2005 Unit 7 (appeal decisions in writing, with reasons)",
                )
            }
            (Action::NotifyAppealDecision { .. }, Stage::AppealDecided { outcome, .. }) => {
                (Stage::Final { outcome: *outcome }, "PS 2005 Unit 7 (notification of appeal decisions)")
            }
            (Action::Finalise, Stage::Notified { outcome, appeal_deadline, .. }) => {
                if let Some(d) = appeal_deadline {
                    if today <= *d {
                        return Err(TransitionError::AppealWindowOpen { deadline: *d });
                    }
                }
                (Stage::Final { outcome: *outcome }, "PS 2005 §7.2 (no appeal lodged within the time limit)")
            }
            (Action::Withdraw { .. }, Stage::AppealLodged { first_instance, .. }) => {
                (Stage::Final { outcome: *first_instance }, "PS 2005 Unit 7 (withdrawal of an appeal leaves the first-instance decision in place)")
            }
            (Action::Withdraw { .. }, _) => (
                Stage::Closed { reason: ClosureReason::Withdrawn, reopenable_until: Some(add(today, self.reopen_window_days)) },
                "PS 2005 (closure of RSD files; withdrawal)",
            ),
            (Action::Close { closure, .. }, stage) => {
                let pre = PRE_DECISION.contains(&stage.kind());
                if !pre && *closure != ClosureReason::Deceased {
                    return Err(TransitionError::NotAllowed {
                        state: from,
                        attempted: kind,
                        allowed: self.allowed_actions(state).into_iter().filter(|a| *a != ActionKind::Close).collect(),
                    });
                }
                let reopenable_until = matches!(closure, ClosureReason::Abandoned | ClosureReason::Withdrawn).then(|| add(today, self.reopen_window_days));
                (Stage::Closed { reason: *closure, reopenable_until }, "PS 2005 (closure and reopening of RSD files)")
            }
            (Action::Reopen { .. }, Stage::Closed { reason, reopenable_until }) => {
                if matches!(reason, ClosureReason::Deceased | ClosureReason::Duplicate) {
                    return Err(TransitionError::NotReopenable { reason: *reason, what_to_do: "open a new file if a new claim is made" });
                }
                if reopenable_until.is_some_and(|u| today > u) && !matches!(ctx.role, Role::Supervisor | Role::SeniorProtectionOfficer) {
                    return Err(TransitionError::NotAuthorised {
                        role: ctx.role,
                        attempted: kind,
                        required: "supervisor or senior protection officer (the reopening period has passed)".into(),
                    });
                }
                next_track = Track::Regular;
                (Stage::RegisteredForRsd, "PS 2005 (closure and reopening of RSD files)")
            }
            (Action::ChangeTrack { to, .. }, stage) => {
                if *to == Track::PrimaFacie && !matches!(stage, Stage::Lodged | Stage::RegisteredForRsd) {
                    return Err(TransitionError::NotOnTrack {
                        track: *to,
                        state: from,
                        attempted: kind,
                        instead: "a claim can join the prima facie track only before its interview is scheduled; continue on the current track".into(),
                        allowed: self.allowed_actions(state),
                    });
                }
                next_track = *to;
                (state.stage.clone(), "PS 2005 §4.6 and the RSD Procedural Standards' Aide-Memoire on case processing modalities (2020); GIP No. 11 (2015)")
            }
            (Action::Cease { clause, .. }, Stage::Final { outcome: Outcome::Recognised }) => {
                (Stage::Ceased { clause: *clause }, "1951 Convention, Art. 1C; Handbook paras 111-139; UNHCR Guidelines on Cessation (2003)")
            }
            (Action::Cancel { .. }, Stage::Final { outcome: Outcome::Recognised }) => {
                (Stage::Cancelled, "UNHCR Note on the Cancellation of Refugee Status (2004); PS 2005 (cancellation of refugee status)")
            }
            (Action::Revoke { clause, .. }, Stage::Final { outcome: Outcome::Recognised }) => {
                (Stage::Revoked { clause: *clause }, "1951 Convention, Art. 1F(a)/(c); UNHCR Guidelines on Exclusion (2003) para. 6")
            }
            _ => return Err(not_allowed()),
        };
        let since = if matches!(action, Action::ChangeTrack { .. }) { state.since } else { today };
        Ok(Transition {
            from,
            state: ClaimState { track: next_track, stage, since, lodged_on: state.lodged_on },
            action: kind,
            actor: ctx.actor.clone(),
            at: ctx.now,
            reason: action.reason().cloned(),
            citation: Citation::new(citation),
        })
    }

    fn check_reasons(&self, outcome: Outcome, reasons: &Reason) -> Result<(), TransitionError> {
        let chars = reasons.as_str().chars().count();
        let min = self.min_adverse_reason_chars as usize;
        if outcome.is_adverse() && chars < min {
            return Err(TransitionError::ReasonsTooShort { outcome, chars, min });
        }
        Ok(())
    }

    /// Where an action is refused because of the track rather than the stage, the explanation.
    fn track_obstacle(&self, state: &ClaimState, action: &Action) -> Option<TransitionError> {
        let kind = action.kind();
        let from = state.stage.kind();
        let err = |instead: &str| TransitionError::NotOnTrack {
            track: state.track,
            state: from,
            attempted: kind,
            instead: instead.into(),
            allowed: self.allowed_actions(state),
        };
        match (state.track, action, &state.stage) {
            (Track::PrimaFacie, Action::ScheduleInterview { .. } | Action::RecordInterview | Action::DraftAssessment { .. } | Action::Review, _)
                if PRE_DECISION.contains(&from) =>
            {
                Some(err("the prima facie track recognises from registration; to interview or assess individually (e.g. for exclusion), change to the regular track"))
            }
            (Track::PrimaFacie, Action::Decide { .. }, _) => Some(err(
                "a prima facie declaration can only recognise and never rejects; use recognise prima facie, or change to the regular track for an individual decision",
            )),
            (t, Action::RecognisePrimaFacie { .. }, _) if t != Track::PrimaFacie => {
                Some(err("change the claim to the prima facie track first (before the interview is scheduled)"))
            }
            (Track::Simplified, Action::Decide { .. }, Stage::AssessmentDrafted { .. }) => {
                Some(err("only a positive decision on the simplified track may skip the review; have the assessment reviewed first"))
            }
            (_, Action::Decide { .. }, Stage::AssessmentDrafted { .. }) => {
                Some(err("the assessment must be reviewed by a second officer before a decision (PS 2005 Unit 4, review of the assessment)"))
            }
            (_, Action::Decide { .. } | Action::DraftAssessment { .. }, Stage::RegisteredForRsd | Stage::InterviewScheduled { .. } | Stage::Lodged) => {
                Some(err("every track except prima facie requires a personal interview before an assessment or decision (PS 2005 §4.3; EXCOM Conclusion No. 30)"))
            }
            _ => None,
        }
    }
}

/// What is known about a family member for derivative status (family unity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DependantFacts {
    /// The family member.
    pub person: PersonId,
    /// Relationship to the principal applicant.
    pub relationship: Relationship,
    /// Under 18.
    pub minor: bool,
    /// Dependent on the principal and living in the same household (e.g. aged parents; Handbook para. 185).
    pub dependent: bool,
    /// There are serious reasons for considering that this member falls within Art. 1F.
    pub excluded_individually: bool,
    /// Holds a nationality other than the principal's (or that of the country of asylum) and enjoys that
    /// State's protection (Handbook para. 184).
    pub protected_by_own_nationality: bool,
}

/// Why a family member does not receive derivative refugee status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DerivativeBar {
    /// The principal was not recognised as a refugee.
    PrincipalNotRecognised,
    /// Not the spouse, a minor child or a dependent household member.
    NotAQualifyingMember,
    /// Excluded individually under Art. 1F.
    ExcludedIndividually,
    /// Enjoys the protection of another nationality.
    ProtectedByOwnNationality,
}

/// Derivative refugee status for one family member, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum DerivativeStatus {
    /// Derivative refugee status under the principle of family unity.
    DerivativeRefugee,
    /// No derivative refugee status.
    NotEligible {
        /// Why.
        bar: DerivativeBar,
    },
}

/// The result for one family member. The member may always lodge a claim of their own, whatever the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DerivativeDecision {
    /// The family member.
    pub person: PersonId,
    /// Derivative refugee status, or why not.
    pub status: DerivativeStatus,
    /// Always true: every family member has the right to lodge a claim of their own (PS 2005 (family unity and derivative status)).
    pub may_lodge_own_claim: bool,
    /// The source.
    pub citation: Citation,
}

/// Derivative status under the principle of family unity (UNHCR Handbook paras 181-188; Final Act of the
/// 1951 Conference, Recommendation B; PS 2005 (family unity and derivative status)). Dependants of a recognised refugee receive derivative
/// refugee status unless individually excluded under Art. 1F or protected by a nationality of their own
/// (para. 184). The minimum circle is the spouse and minor children; other dependants living in the household
/// are normally included (para. 185). Every member may lodge a claim of their own in any case.
pub fn derivative_status(principal: Outcome, member: &DependantFacts) -> DerivativeDecision {
    let qualifying = match member.relationship {
        Relationship::PrincipalApplicant => false,
        Relationship::Spouse => true,
        Relationship::Child | Relationship::Stepchild => member.minor || member.dependent,
        _ => member.dependent,
    };
    let status = if principal != Outcome::Recognised {
        Err(DerivativeBar::PrincipalNotRecognised)
    } else if !qualifying {
        Err(DerivativeBar::NotAQualifyingMember)
    } else if member.excluded_individually {
        Err(DerivativeBar::ExcludedIndividually)
    } else if member.protected_by_own_nationality {
        Err(DerivativeBar::ProtectedByOwnNationality)
    } else {
        Ok(())
    };
    let citation = match status {
        Ok(()) => "Handbook paras 181-185 (family unity); Final Act of the 1951 Conference, Recommendation B",
        Err(DerivativeBar::PrincipalNotRecognised) => "Handbook paras 184-185 (derivative refugee status follows a recognised principal; each member may claim in their own right); PS 2005 (family unity and derivative status)",
        Err(DerivativeBar::NotAQualifyingMember) => "Handbook para. 185 (spouse, minor children, other dependants in the household)",
        Err(DerivativeBar::ExcludedIndividually) => "1951 Convention, Art. 1F; UNHCR Guidelines on Exclusion (2003); PS 2005 (family unity and derivative status)",
        Err(DerivativeBar::ProtectedByOwnNationality) => "Handbook para. 184 (status incompatible with the member's personal legal status)",
    };
    let status = match status {
        Ok(()) => DerivativeStatus::DerivativeRefugee,
        Err(bar) => DerivativeStatus::NotEligible { bar },
    };
    DerivativeDecision { person: member.person, status, may_lodge_own_claim: true, citation: Citation::new(citation) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
    }
    fn ctx(who: &str, role: Role, now: DateTime<Utc>) -> Context {
        Context { actor: Actor::parse(who).unwrap(), role, now }
    }
    fn reason(s: &str) -> Reason {
        Reason::parse(s).unwrap()
    }
    const LONG: &str = "The claimant's account of arrest was found not credible; no nexus to a Convention ground was established (Art. 1A(2)).";

    struct Run {
        rules: ProcedureRules,
        state: ClaimState,
        now: DateTime<Utc>,
    }
    impl Run {
        fn new(track: Track) -> Self {
            Self { rules: ProcedureRules::default(), state: ClaimState::lodged(track, day(2026, 1, 5)), now: at(2026, 1, 5) }
        }
        fn step(&mut self, who: &str, role: Role, days_later: i64, a: Action) -> Result<Transition, TransitionError> {
            self.now += chrono::Duration::days(days_later);
            let t = self.rules.apply(&self.state, &a, &ctx(who, role, self.now))?;
            self.state = t.state.clone();
            Ok(t)
        }
        fn ok(&mut self, who: &str, role: Role, days_later: i64, a: Action) -> &mut Self {
            self.step(who, role, days_later, a).unwrap_or_else(|e| panic!("{e}"));
            self
        }
        fn reach_interviewed(&mut self) -> &mut Self {
            let when = self.now + chrono::Duration::days(10);
            self.ok("clerk", Role::RegistrationClerk, 1, Action::RegisterForRsd)
                .ok(
                    "clerk",
                    Role::RegistrationClerk,
                    0,
                    Action::ScheduleInterview { at: when, language: LanguageCode::parse("ar").unwrap(), interpreter_required: true },
                )
                .ok("officer.a", Role::EligibilityOfficer, 10, Action::RecordInterview)
        }
        fn reach_decided(&mut self, outcome: Outcome) -> &mut Self {
            self.reach_interviewed()
                .ok("officer.a", Role::EligibilityOfficer, 3, Action::DraftAssessment { recommendation: outcome })
                .ok("supervisor.b", Role::Supervisor, 2, Action::Review)
                .ok("officer.a", Role::EligibilityOfficer, 1, Action::Decide { outcome, reasons: reason(LONG) })
        }
        fn reach_notified(&mut self, outcome: Outcome) -> &mut Self {
            self.reach_decided(outcome).ok("clerk", Role::RegistrationClerk, 1, Action::Notify { method: WrittenNotice::InPerson })
        }
    }

    #[test]
    fn regular_track_full_path_to_a_final_recognition() {
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Recognised);
        assert!(matches!(r.state.stage(), Stage::Notified { appeal_deadline: None, .. }));
        assert!(!pending(&r.state, r.now.date_naive()));
        assert!(r.state.recognised());
        r.ok("clerk", Role::RegistrationClerk, 0, Action::Finalise);
        assert_eq!(r.state.stage(), &Stage::Final { outcome: Outcome::Recognised });
        assert_eq!(r.state.lodged_on(), day(2026, 1, 5));
    }

    #[test]
    fn written_notification_opens_a_30_day_appeal_window_ps_7_2() {
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Rejected);
        let notified = r.now.date_naive();
        let Stage::Notified { appeal_deadline: Some(d), .. } = r.state.stage().clone() else { panic!("not notified") };
        assert_eq!(d, notified + chrono::Duration::days(30));
        assert_eq!(r.rules.deadlines(&r.state), vec![Deadline { kind: DeadlineKind::AppealWindow, due: d }]);
        assert!(pending(&r.state, d), "the window is open on its last day");
        assert!(!pending(&r.state, d + chrono::Duration::days(1)));
    }

    #[test]
    fn appeal_is_suspensive_and_decided_by_another_officer_ps_7_1_1() {
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Rejected).ok(
            "applicant.desk",
            Role::RegistrationClerk,
            5,
            Action::LodgeAppeal { grounds: reason("The officer misunderstood my account."), late_reason: None },
        );
        assert!(matches!(r.state.stage(), Stage::AppealLodged { .. }));
        assert!(pending(&r.state, r.now.date_naive() + chrono::Duration::days(400)), "suspensive effect does not lapse");
        let e = r.step("officer.a", Role::SeniorProtectionOfficer, 1, Action::DecideAppeal { outcome: Outcome::Recognised, reasons: reason(LONG) });
        assert!(matches!(e, Err(TransitionError::ConflictOfDuties { .. })), "{e:?}");
        r.ok("appeals.c", Role::AppealOfficer, 0, Action::DecideAppeal { outcome: Outcome::Recognised, reasons: reason(LONG) });
        assert!(pending(&r.state, r.now.date_naive()), "pending until the appeal decision is notified");
        r.ok("clerk", Role::RegistrationClerk, 1, Action::NotifyAppealDecision { method: WrittenNotice::Post });
        assert_eq!(r.state.stage(), &Stage::Final { outcome: Outcome::Recognised });
    }

    #[test]
    fn late_appeal_needs_good_cause_ps_7_2() {
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Rejected);
        let e = r.step("clerk", Role::RegistrationClerk, 31, Action::LodgeAppeal { grounds: reason("Appeal."), late_reason: None });
        assert!(matches!(e, Err(TransitionError::AppealOutOfTime { .. })));
        assert!(e.unwrap_err().to_string().contains("late_reason"));
        r.ok(
            "clerk",
            Role::RegistrationClerk,
            0,
            Action::LodgeAppeal { grounds: reason("Appeal."), late_reason: Some(reason("Hospitalised from day 10 to day 35.")) },
        );
        assert!(matches!(r.state.stage(), Stage::AppealLodged { .. }));
    }

    #[test]
    fn finalising_waits_for_the_appeal_window() {
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Rejected);
        assert!(matches!(r.step("clerk", Role::RegistrationClerk, 30, Action::Finalise), Err(TransitionError::AppealWindowOpen { .. })));
        r.ok("clerk", Role::RegistrationClerk, 1, Action::Finalise);
        assert_eq!(r.state.stage(), &Stage::Final { outcome: Outcome::Rejected });
        assert!(!pending(&r.state, r.now.date_naive()));
        // A final rejection has no further action.
        assert!(r.rules.allowed_actions(&r.state).is_empty());
    }

    #[test]
    fn withdrawing_an_appeal_leaves_the_first_instance_decision() {
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Excluded)
            .ok("clerk", Role::RegistrationClerk, 1, Action::LodgeAppeal { grounds: reason("Appeal."), late_reason: None })
            .ok("clerk", Role::RegistrationClerk, 1, Action::Withdraw { reason: reason("Applicant withdrew the appeal in writing.") });
        assert_eq!(r.state.stage(), &Stage::Final { outcome: Outcome::Excluded });
    }

    #[test]
    fn no_decision_without_written_reasons_and_rejections_state_them_ps_6_1() {
        // A Decide action cannot be built without a Reason (the type refuses empty text) ...
        assert!(Reason::parse("  ").is_err());
        // ... and an adverse decision needs substantive reasons.
        let mut r = Run::new(Track::Regular);
        r.reach_interviewed()
            .ok("officer.a", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Rejected })
            .ok("supervisor.b", Role::Supervisor, 1, Action::Review);
        let e = r.step("officer.a", Role::EligibilityOfficer, 1, Action::Decide { outcome: Outcome::Rejected, reasons: reason("Not credible.") });
        assert!(matches!(e, Err(TransitionError::ReasonsTooShort { .. })), "{e:?}");
        assert!(e.unwrap_err().to_string().contains("which legal criterion"));
        r.ok("officer.a", Role::EligibilityOfficer, 0, Action::Decide { outcome: Outcome::Rejected, reasons: reason(LONG) });
        let Stage::Decided { reasons, .. } = r.state.stage() else { panic!() };
        assert_eq!(reasons.as_str(), LONG);
    }

    #[test]
    fn illegal_transitions_name_the_state_the_action_and_the_alternatives() {
        let rules = ProcedureRules::default();
        let s = ClaimState::lodged(Track::Regular, day(2026, 1, 5));
        let e = rules.apply(&s, &Action::Decide { outcome: Outcome::Recognised, reasons: reason(LONG) }, &ctx("o", Role::EligibilityOfficer, at(2026, 1, 6)));
        let msg = e.unwrap_err().to_string();
        assert!(msg.contains("decide") && msg.contains("lodged") && msg.contains("register for RSD"), "{msg}");
        let e = rules.apply(&s, &Action::Finalise, &ctx("o", Role::EligibilityOfficer, at(2026, 1, 6))).unwrap_err();
        assert_eq!(
            e,
            TransitionError::NotAllowed {
                state: StageKind::Lodged,
                attempted: ActionKind::Finalise,
                allowed: vec![ActionKind::RegisterForRsd, ActionKind::Withdraw, ActionKind::Close, ActionKind::ChangeTrack]
            }
        );
    }

    #[test]
    fn every_track_but_prima_facie_requires_an_interview_ec_30() {
        for track in [Track::Regular, Track::Accelerated, Track::Simplified] {
            let mut r = Run::new(track);
            r.ok("clerk", Role::RegistrationClerk, 1, Action::RegisterForRsd);
            let e = r.step("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Recognised });
            assert!(matches!(e, Err(TransitionError::NotOnTrack { .. })), "{track:?}: {e:?}");
            assert!(e.unwrap_err().to_string().contains("interview"));
        }
    }

    #[test]
    fn accelerated_track_shortens_notice_and_assessment_but_keeps_review() {
        let mut r = Run::new(Track::Accelerated);
        r.ok("clerk", Role::RegistrationClerk, 0, Action::RegisterForRsd);
        let soon = r.now + chrono::Duration::days(2);
        r.ok(
            "clerk",
            Role::RegistrationClerk,
            0,
            Action::ScheduleInterview { at: soon, language: LanguageCode::parse("ps").unwrap(), interpreter_required: true },
        );
        r.ok("o", Role::EligibilityOfficer, 2, Action::RecordInterview);
        assert_eq!(r.rules.deadlines(&r.state)[0].due, r.now.date_naive() + chrono::Duration::days(7));
        r.ok("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Rejected });
        let e = r.step("o", Role::EligibilityOfficer, 0, Action::Decide { outcome: Outcome::Rejected, reasons: reason(LONG) });
        assert!(matches!(e, Err(TransitionError::NotOnTrack { .. })));
        // The regular track's 7-day notice is enforced.
        let mut reg = Run::new(Track::Regular);
        reg.ok("clerk", Role::RegistrationClerk, 0, Action::RegisterForRsd);
        let soon = reg.now + chrono::Duration::days(2);
        let e = reg.step(
            "clerk",
            Role::RegistrationClerk,
            0,
            Action::ScheduleInterview { at: soon, language: LanguageCode::parse("ps").unwrap(), interpreter_required: false },
        );
        assert!(matches!(e, Err(TransitionError::NoticeTooShort { notice_days: 7, .. })), "{e:?}");
    }

    #[test]
    fn simplified_track_may_skip_review_only_for_a_positive_decision() {
        let mut r = Run::new(Track::Simplified);
        r.reach_interviewed().ok("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Recognised });
        r.ok("o", Role::EligibilityOfficer, 1, Action::Decide { outcome: Outcome::Recognised, reasons: reason("Manifestly well-founded: profile X.") });
        assert!(r.state.recognised());

        let mut r = Run::new(Track::Simplified);
        r.reach_interviewed().ok("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Rejected });
        let e = r.step("o", Role::EligibilityOfficer, 1, Action::Decide { outcome: Outcome::Rejected, reasons: reason(LONG) });
        assert!(matches!(e, Err(TransitionError::NotOnTrack { .. })), "{e:?}");
        // A recognition recommendation cannot be turned into a rejection without review either.
        let mut r = Run::new(Track::Simplified);
        r.reach_interviewed().ok("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Recognised });
        let e = r.step("o", Role::EligibilityOfficer, 1, Action::Decide { outcome: Outcome::Rejected, reasons: reason(LONG) });
        assert!(matches!(e, Err(TransitionError::NotOnTrack { .. })), "{e:?}");
    }

    fn declaration() -> PrimaFacieDeclaration {
        PrimaFacieDeclaration {
            origin: Iso3::parse("SSD").unwrap(),
            from: day(2023, 4, 15),
            until: None,
            basis: PrimaFacieBasis::Regional(RegionalInstrument::OauConvention1969),
            reference: "Decl. 2023/4".into(),
        }
    }
    fn candidate(origin: &str, fled: NaiveDate) -> PrimaFacieCandidate {
        PrimaFacieCandidate {
            person: PersonId::from_uuid(uuid::Uuid::nil()),
            origin: Iso3::parse(origin).unwrap(),
            fled_on: fled,
            individually_registered: true,
            exclusion_indicators: false,
        }
    }

    #[test]
    fn prima_facie_recognises_registered_members_and_never_rejects_gip_11() {
        let d = declaration();
        assert!(matches!(d.consider(&candidate("SSD", day(2024, 1, 1))), PrimaFacieResult::Recognised { .. }));
        assert!(matches!(d.consider(&candidate("SDN", day(2024, 1, 1))), PrimaFacieResult::NotCovered { .. }));
        assert!(matches!(d.consider(&candidate("SSD", day(2020, 1, 1))), PrimaFacieResult::NotCovered { .. }));
        let mut c = candidate("SSD", day(2024, 1, 1));
        c.exclusion_indicators = true;
        assert_eq!(d.consider(&c), PrimaFacieResult::ReferForExclusionReview);
        c.individually_registered = false;
        assert_eq!(d.consider(&c), PrimaFacieResult::RegisterIndividually);

        let mut r = Run::new(Track::PrimaFacie);
        r.ok("clerk", Role::RegistrationClerk, 0, Action::RegisterForRsd);
        // No rejection is possible on this track.
        let e = r.step("o", Role::SeniorProtectionOfficer, 0, Action::Decide { outcome: Outcome::Rejected, reasons: reason(LONG) });
        assert!(e.unwrap_err().to_string().contains("never rejects"));
        // A person not covered is not rejected either: the claim stays where it was.
        let e = r.step("clerk", Role::RegistrationClerk, 0, Action::RecognisePrimaFacie { declaration: d.clone(), candidate: candidate("SDN", day(2024, 1, 1)) });
        assert!(matches!(e, Err(TransitionError::PrimaFacieNotApplicable { .. })));
        assert_eq!(r.state.stage(), &Stage::RegisteredForRsd);
        r.ok("clerk", Role::RegistrationClerk, 0, Action::RecognisePrimaFacie { declaration: d, candidate: candidate("SSD", day(2024, 1, 1)) });
        assert!(matches!(r.state.stage(), Stage::Decided { outcome: Outcome::Recognised, .. }));
    }

    #[test]
    fn prima_facie_claims_with_exclusion_indicators_move_to_the_regular_track() {
        let mut r = Run::new(Track::PrimaFacie);
        r.ok("clerk", Role::RegistrationClerk, 0, Action::RegisterForRsd);
        let e = r.step(
            "clerk",
            Role::RegistrationClerk,
            0,
            Action::ScheduleInterview { at: at(2026, 3, 1), language: LanguageCode::parse("ar").unwrap(), interpreter_required: false },
        );
        assert!(matches!(e, Err(TransitionError::NotOnTrack { .. })));
        r.ok("sup", Role::Supervisor, 0, Action::ChangeTrack { to: Track::Regular, reason: reason("Exclusion indicators at registration.") });
        assert_eq!(r.state.track(), Track::Regular);
        assert_eq!(r.state.stage(), &Stage::RegisteredForRsd);
    }

    #[test]
    fn a_reviewer_must_not_review_their_own_assessment_ps_4_7() {
        let mut r = Run::new(Track::Regular);
        r.reach_interviewed().ok("sup", Role::Supervisor, 1, Action::DraftAssessment { recommendation: Outcome::Recognised });
        assert!(matches!(r.step("sup", Role::Supervisor, 1, Action::Review), Err(TransitionError::ConflictOfDuties { .. })));
        assert!(matches!(r.step("clerk", Role::RegistrationClerk, 0, Action::Review), Err(TransitionError::NotAuthorised { .. })));
    }

    #[test]
    fn a_reviewed_assessment_can_be_sent_back_for_redrafting() {
        let mut r = Run::new(Track::Regular);
        r.reach_interviewed()
            .ok("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Rejected })
            .ok("sup", Role::Supervisor, 1, Action::Review)
            .ok("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Recognised });
        assert!(matches!(r.state.stage(), Stage::AssessmentDrafted { recommendation: Outcome::Recognised, .. }));
    }

    #[test]
    fn closure_and_reopening_ps_unit_10() {
        let mut r = Run::new(Track::Regular);
        r.ok("clerk", Role::RegistrationClerk, 1, Action::RegisterForRsd).ok(
            "clerk",
            Role::RegistrationClerk,
            1,
            Action::Close { closure: ClosureReason::Abandoned, reason: reason("Did not appear for two scheduled interviews.") },
        );
        let closed_on = r.now.date_naive();
        assert_eq!(r.rules.deadlines(&r.state), vec![Deadline { kind: DeadlineKind::Reopening, due: closed_on + chrono::Duration::days(180) }]);
        assert!(!pending(&r.state, closed_on));
        // After the reopening period, only a supervisor may reopen.
        let e = r.step("o", Role::EligibilityOfficer, 200, Action::Reopen { reason: reason("Applicant was detained.") });
        assert!(matches!(e, Err(TransitionError::NotAuthorised { .. })));
        r.ok("sup", Role::Supervisor, 0, Action::Reopen { reason: reason("Applicant was detained.") });
        assert_eq!(r.state.stage(), &Stage::RegisteredForRsd);
        assert!(pending(&r.state, r.now.date_naive()));
    }

    #[test]
    fn deceased_and_duplicate_files_are_not_reopened() {
        let mut r = Run::new(Track::Regular);
        r.ok("clerk", Role::RegistrationClerk, 0, Action::Close { closure: ClosureReason::Duplicate, reason: reason("Duplicate of file 123.") });
        assert!(r.rules.allowed_actions(&r.state).is_empty());
        assert!(matches!(r.step("sup", Role::Supervisor, 0, Action::Reopen { reason: reason("x") }), Err(TransitionError::NotAllowed { .. })));
    }

    #[test]
    fn a_decided_claim_is_closed_only_on_death() {
        let mut r = Run::new(Track::Regular);
        r.reach_decided(Outcome::Rejected);
        let e = r.step("clerk", Role::RegistrationClerk, 0, Action::Close { closure: ClosureReason::Abandoned, reason: reason("No contact.") });
        assert!(matches!(e, Err(TransitionError::NotAllowed { .. })));
        r.ok("clerk", Role::RegistrationClerk, 0, Action::Close { closure: ClosureReason::Deceased, reason: reason("Death certificate on file.") });
        assert!(matches!(r.state.stage(), Stage::Closed { reason: ClosureReason::Deceased, reopenable_until: None }));
    }

    #[test]
    fn later_life_cessation_cancellation_revocation_need_a_senior_officer() {
        for (action, expect) in [
            (Action::Cease { clause: CessationClause::CircumstancesCeasedNational, reasons: reason(LONG) }, StageKind::Ceased),
            (Action::Cancel { reasons: reason(LONG) }, StageKind::Cancelled),
            (Action::Revoke { clause: RevocationClause::Art1Fa, reasons: reason(LONG) }, StageKind::Revoked),
        ] {
            let mut r = Run::new(Track::Regular);
            r.reach_notified(Outcome::Recognised).ok("clerk", Role::RegistrationClerk, 0, Action::Finalise);
            assert!(matches!(r.step("o", Role::EligibilityOfficer, 1, action.clone()), Err(TransitionError::NotAuthorised { .. })));
            r.ok("senior", Role::SeniorProtectionOfficer, 0, action);
            assert_eq!(r.state.stage().kind(), expect);
            assert!(!r.state.recognised());
            assert!(r.rules.allowed_actions(&r.state).is_empty());
        }
        // Only a recognised status can cease: a final rejection cannot.
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::ComplementaryProtection).ok("c", Role::RegistrationClerk, 31, Action::Finalise);
        let e = r.step("senior", Role::SeniorProtectionOfficer, 0, Action::Cease { clause: CessationClause::ReAvailment, reasons: reason(LONG) });
        assert!(matches!(e, Err(TransitionError::NotAllowed { .. })));
    }

    #[test]
    fn revocation_clauses_are_only_1fa_and_1fc() {
        assert_eq!(serde_json::to_string(&RevocationClause::Art1Fc).unwrap(), "\"1F(c)\"");
        assert!(serde_json::from_str::<RevocationClause>("\"1F(b)\"").is_err());
    }

    #[test]
    fn actions_dated_before_the_stage_are_refused() {
        let rules = ProcedureRules::default();
        let s = ClaimState::lodged(Track::Regular, day(2026, 1, 5));
        let e = rules.apply(&s, &Action::RegisterForRsd, &ctx("c", Role::RegistrationClerk, at(2026, 1, 4)));
        assert!(matches!(e, Err(TransitionError::BeforeCurrentStage { .. })));
    }

    #[test]
    fn deadlines_per_stage() {
        let rules = ProcedureRules::default();
        let s = ClaimState::lodged(Track::Regular, day(2026, 1, 5));
        assert_eq!(rules.deadlines(&s), vec![Deadline { kind: DeadlineKind::Registration, due: day(2026, 1, 12) }]);
        let mut r = Run::new(Track::Regular);
        r.ok("c", Role::RegistrationClerk, 0, Action::RegisterForRsd);
        assert_eq!(r.rules.deadlines(&r.state)[0].kind, DeadlineKind::InterviewScheduling);
        let mut a = Run::new(Track::Accelerated);
        a.ok("c", Role::RegistrationClerk, 0, Action::RegisterForRsd);
        assert!(a.rules.deadlines(&a.state)[0].due < r.rules.deadlines(&r.state)[0].due);
    }

    #[test]
    fn rules_validate_the_appeal_floor_diouf_c_69_10() {
        assert!(ProcedureRules::default().validate().is_ok());
        let bad = ProcedureRules { accelerated_appeal_window_days: 7, interview_notice_days: 0, ..ProcedureRules::default() };
        let e = bad.validate().unwrap_err();
        assert_eq!(e.errors[0].field, "accelerated_appeal_window_days");
        assert!(e.errors[0].message.contains("Diouf"));
        // Even unvalidated rules never produce a window below 15 days.
        let mut r = Run { rules: bad, ..Run::new(Track::Accelerated) };
        r.rules.interview_notice_days = 7;
        r.rules.accelerated_interview_notice_days = 2;
        r.reach_notified(Outcome::Rejected);
        let Stage::Notified { appeal_deadline: Some(d), notified_on, .. } = r.state.stage().clone() else { panic!() };
        assert_eq!(d, notified_on + chrono::Duration::days(15));
    }

    #[test]
    fn claim_state_roundtrips_through_json() {
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Rejected);
        let json = serde_json::to_string(&r.state).unwrap();
        assert!(json.contains("\"stage\":\"notified\""), "{json}");
        let back: ClaimState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r.state);
        // A stored state the machine could not have produced is refused on reading.
        let no_deadline = json.replace(r#""appeal_deadline":""#, r#""x":""#);
        assert!(serde_json::from_str::<ClaimState>(&no_deadline).is_err());
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["stage"]["appeal_deadline"] = serde_json::Value::Null;
        let e = serde_json::from_value::<ClaimState>(v).unwrap_err().to_string();
        assert!(e.contains("needs an appeal_deadline"), "{e}");
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["since"] = serde_json::json!("2000-01-01");
        assert!(serde_json::from_value::<ClaimState>(v).is_err());
        let pf = r#"{"track":"prima_facie","stage":{"stage":"interviewed","interviewed_by":"x"},"since":"2026-01-05","lodged_on":"2026-01-05"}"#;
        assert!(serde_json::from_str::<ClaimState>(pf).unwrap_err().to_string().contains("prima facie"));
        let closed = r#"{"track":"regular","stage":{"stage":"closed","reason":"deceased","reopenable_until":"2026-06-01"},"since":"2026-01-05","lodged_on":"2026-01-05"}"#;
        assert!(serde_json::from_str::<ClaimState>(closed).is_err());
    }

    fn sample(kind: ActionKind, now: DateTime<Utc>) -> Action {
        match kind {
            ActionKind::RegisterForRsd => Action::RegisterForRsd,
            ActionKind::ScheduleInterview => Action::ScheduleInterview {
                at: now + chrono::Duration::days(30),
                language: LanguageCode::parse("fr").unwrap(),
                interpreter_required: false,
            },
            ActionKind::RecordInterview => Action::RecordInterview,
            ActionKind::DraftAssessment => Action::DraftAssessment { recommendation: Outcome::Rejected },
            ActionKind::Review => Action::Review,
            ActionKind::Decide => Action::Decide { outcome: Outcome::Rejected, reasons: reason(LONG) },
            ActionKind::RecognisePrimaFacie => Action::RecognisePrimaFacie { declaration: declaration(), candidate: candidate("SSD", day(2024, 1, 1)) },
            ActionKind::Notify => Action::Notify { method: WrittenNotice::Electronic },
            ActionKind::LodgeAppeal => Action::LodgeAppeal { grounds: reason("Appeal."), late_reason: Some(reason("Late.")) },
            ActionKind::DecideAppeal => Action::DecideAppeal { outcome: Outcome::Rejected, reasons: reason(LONG) },
            ActionKind::NotifyAppealDecision => Action::NotifyAppealDecision { method: WrittenNotice::Post },
            ActionKind::Finalise => Action::Finalise,
            ActionKind::Withdraw => Action::Withdraw { reason: reason("Withdrawn in writing.") },
            ActionKind::Close => Action::Close { closure: ClosureReason::Abandoned, reason: reason("No contact.") },
            ActionKind::Reopen => Action::Reopen { reason: reason("New contact.") },
            ActionKind::ChangeTrack => Action::ChangeTrack { to: Track::Accelerated, reason: reason("Urgent.") },
            ActionKind::Cease => Action::Cease { clause: CessationClause::ReAvailment, reasons: reason(LONG) },
            ActionKind::Cancel => Action::Cancel { reasons: reason(LONG) },
            ActionKind::Revoke => Action::Revoke { clause: RevocationClause::Art1Fc, reasons: reason(LONG) },
        }
    }


    /// One reachable state per stage (and per track where the track changes what is allowed).
    fn one_state_per_stage() -> Vec<(ClaimState, DateTime<Utc>)> {
        let mut out = Vec::new();
        let mut push = |r: &Run| out.push((r.state.clone(), r.now));
        for track in [Track::Regular, Track::Simplified, Track::PrimaFacie] {
            let r = Run::new(track);
            push(&r);
        }
        let mut r = Run::new(Track::Regular);
        r.ok("clerk", Role::RegistrationClerk, 0, Action::RegisterForRsd);
        push(&r);
        let mut r = Run::new(Track::Regular);
        r.reach_interviewed();
        push(&r);
        r.ok("o", Role::EligibilityOfficer, 1, Action::DraftAssessment { recommendation: Outcome::Rejected });
        push(&r);
        r.ok("sup", Role::Supervisor, 1, Action::Review);
        push(&r);
        for outcome in [Outcome::Recognised, Outcome::Rejected] {
            let mut r = Run::new(Track::Regular);
            r.reach_decided(outcome);
            push(&r);
            r.ok("clerk", Role::RegistrationClerk, 1, Action::Notify { method: WrittenNotice::InPerson });
            push(&r);
        }
        let mut r = Run::new(Track::Regular);
        r.reach_notified(Outcome::Rejected).ok("c", Role::RegistrationClerk, 1, Action::LodgeAppeal { grounds: reason("A."), late_reason: None });
        push(&r);
        r.ok("appeals", Role::AppealOfficer, 1, Action::DecideAppeal { outcome: Outcome::Recognised, reasons: reason(LONG) });
        push(&r);
        r.ok("c", Role::RegistrationClerk, 1, Action::NotifyAppealDecision { method: WrittenNotice::Post });
        push(&r);
        r.ok("senior", Role::SeniorProtectionOfficer, 1, Action::Cease { clause: CessationClause::ReAvailment, reasons: reason(LONG) });
        push(&r);
        let mut r = Run::new(Track::Regular);
        r.ok("c", Role::RegistrationClerk, 1, Action::Withdraw { reason: reason("Applicant withdrew the claim in writing.") });
        assert!(matches!(r.state.stage(), Stage::Closed { reason: ClosureReason::Withdrawn, reopenable_until: Some(_) }));
        push(&r);
        out
    }

    #[test]
    fn every_action_not_allowed_in_a_stage_is_refused_with_the_alternatives() {
        let rules = ProcedureRules::default();
        let mut refused = 0;
        for (state, now) in one_state_per_stage() {
            let allowed = rules.allowed_actions(&state);
            for kind in ActionKind::ALL {
                let result = rules.apply(&state, &sample(kind, now), &ctx("senior.x", Role::SeniorProtectionOfficer, now + chrono::Duration::days(1)));
                if allowed.contains(&kind) {
                    continue; // legal transitions are covered by the path tests above
                }
                refused += 1;
                let e = result.expect_err(&format!("{kind:?} must be refused in {:?} on {:?}", state.stage().kind(), state.track()));
                let msg = e.to_string();
                assert!(matches!(e, TransitionError::NotAllowed { .. } | TransitionError::NotOnTrack { .. }), "{msg}");
                assert!(msg.contains(&kind.to_string()) && msg.contains(&state.stage().kind().to_string()), "{msg}");
                assert!(msg.contains("allowed now"), "{msg}");
            }
        }
        assert!(refused > 150, "{refused}");
    }

    fn member(rel: Relationship, minor: bool) -> DependantFacts {
        DependantFacts {
            person: PersonId::from_uuid(uuid::Uuid::nil()),
            relationship: rel,
            minor,
            dependent: false,
            excluded_individually: false,
            protected_by_own_nationality: false,
        }
    }

    #[test]
    fn derivative_status_handbook_181_188() {
        use Relationship as R;
        let cases: Vec<(Outcome, DependantFacts, Result<(), DerivativeBar>)> = vec![
            // Para. 185: spouse and minor children at minimum.
            (Outcome::Recognised, member(R::Spouse, false), Ok(())),
            (Outcome::Recognised, member(R::Child, true), Ok(())),
            (Outcome::Recognised, member(R::Stepchild, true), Ok(())),
            (Outcome::Recognised, member(R::Child, false), Err(DerivativeBar::NotAQualifyingMember)),
            // Para. 185: other dependants in the household, e.g. aged parents.
            (Outcome::Recognised, DependantFacts { dependent: true, ..member(R::Parent, false) }, Ok(())),
            (Outcome::Recognised, member(R::Parent, false), Err(DerivativeBar::NotAQualifyingMember)),
            // Art. 1F applies to each member individually.
            (Outcome::Recognised, DependantFacts { excluded_individually: true, ..member(R::Spouse, false) }, Err(DerivativeBar::ExcludedIndividually)),
            // Para. 184: a member protected by their own nationality.
            (
                Outcome::Recognised,
                DependantFacts { protected_by_own_nationality: true, ..member(R::Spouse, false) },
                Err(DerivativeBar::ProtectedByOwnNationality),
            ),
            // No derivative refugee status from a principal who is not a refugee.
            (Outcome::ComplementaryProtection, member(R::Child, true), Err(DerivativeBar::PrincipalNotRecognised)),
            (Outcome::Rejected, member(R::Spouse, false), Err(DerivativeBar::PrincipalNotRecognised)),
            (Outcome::Recognised, member(R::PrincipalApplicant, false), Err(DerivativeBar::NotAQualifyingMember)),
        ];
        for (principal, m, expected) in cases {
            let d = derivative_status(principal, &m);
            let got = match d.status {
                DerivativeStatus::DerivativeRefugee => Ok(()),
                DerivativeStatus::NotEligible { bar } => Err(bar),
            };
            assert_eq!(got, expected, "{principal:?} {m:?}");
            assert!(d.may_lodge_own_claim, "every member may always lodge a claim of their own");
            assert!(!d.citation.as_str().is_empty());
        }
    }
}
