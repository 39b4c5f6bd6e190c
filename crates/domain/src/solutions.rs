//! Durable solutions: resettlement to a third State against that State's yearly quota, and the
//! departures that end a refugee's stay in an operation (resettlement departures and voluntary
//! returns). Pure rules: the store gathers the facts inside its transaction, these functions decide.
//!
//! **Resettlement.** A State offers an operation a number of places for a year ([`Quota`]). A
//! [`Submission`] proposes one refugee, or several members of a household, to one State, and moves
//! through one state machine, [`Submission::apply`]:
//!
//! ```text
//! submitted ──accept──► accepted ──depart (every person)──► departed
//!     │                    │  └─depart (some persons)──► accepted (with those departures)
//!     ├──reject──► rejected│
//!     └──withdraw──► withdrawn ◄──withdraw (before anyone departed)
//! ```
//!
//! Anything else is refused with [`SolutionError`] code `illegal_transition`, naming what is
//! allowed. Only persons who hold refugee status may be submitted ([`check_submission`]), never to
//! the country of asylum or to a country of their nationality, and never twice at once. Acceptance
//! uses places of the State's quota for the year of acceptance: the persons of accepted and
//! departed submissions may never outnumber it (`quota_exceeded`), and a quota cannot be lowered
//! below the places already used ([`check_quota_change`]).
//!
//! **Voluntary return.** A repatriation is evaluated when requested
//! ([`crate::convention::guard::evaluate_voluntary_repatriation`]). When people actually leave,
//! [`evaluate_return_departure`] re-evaluates every participant on the day of departure, exactly as
//! a removal is re-evaluated when executed: only a participant allowed when the repatriation was
//! requested, still allowed on the day of departure, who has not withdrawn consent and has not
//! already left, departs; every other participant is named with the reasons.
//!
//! A person departs once: a departure (of either kind) is final for the operation's registry, and
//! statistics count it as a resettlement departure or a voluntary return.

use crate::convention::guard::{evaluate_voluntary_repatriation, GuardContext, RecordedStatus, VoluntaryRepatriation};
use crate::country::{Citizenship, Iso3};
use crate::error::{ParseError, ValidationErrors};
use crate::ids::PersonId;
use crate::name::{Reason, ShortText};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The first and last year a quota may be set for.
pub const QUOTA_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The most places one quota may hold.
pub const MAX_QUOTA_PLACES: u32 = 1_000_000;
/// The most persons one submission may name (a household's members).
pub const MAX_SUBMISSION_PERSONS: usize = 50;

/// A rule of durable solutions refused the request: a stable code and a sentence saying what was
/// wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionError {
    /// Stable code, e.g. `quota_exceeded`, `illegal_transition`, `not_a_refugee`.
    pub code: &'static str,
    /// What was wrong and what to do.
    pub message: String,
}

impl SolutionError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl std::fmt::Display for SolutionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SolutionError {}

// ───────────────────────────── Quotas ─────────────────────────────

/// A resettlement State's places for refugees of one operation in one calendar year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// The resettlement State.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: Iso3,
    /// The calendar year.
    pub year: i32,
    /// The number of places (persons) the State will accept that year.
    pub places: u32,
    /// A note, e.g. the pledge it comes from.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Option<ShortText>,
}

impl Quota {
    /// Parses a quota for an operation in `host` (the country of asylum, which cannot resettle its
    /// own refugees). Every problem is reported with its field.
    pub fn parse(country: &str, year: i64, places: i64, note: Option<&str>, host: Iso3) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let c = e.check("country", Iso3::parse(country));
        if c == Some(host) {
            e.push("country", ParseError::new("country_of_asylum", format!("{host} is the operation's country of asylum; resettlement is to a third State: name that State")));
        }
        let y = i32::try_from(year).ok().filter(|y| QUOTA_YEARS.contains(y));
        if y.is_none() {
            e.push("year", ParseError::new("invalid_year", format!("{year} is not a quota year: give a calendar year from {} to {}", QUOTA_YEARS.start(), QUOTA_YEARS.end())));
        }
        let p = u32::try_from(places).ok().filter(|p| *p <= MAX_QUOTA_PLACES);
        if p.is_none() {
            e.push("places", ParseError::new("invalid_places", format!("{places} is not a number of places: give 0 to {MAX_QUOTA_PLACES}")));
        }
        let n = match note.map(str::trim).filter(|n| !n.is_empty()) {
            None => Some(None),
            Some(n) => e.check("note", ShortText::parse(n)).map(Some),
        };
        e.finish(|| Some(Self { country: c.filter(|c| *c != host)?, year: y?, places: p?, note: n? }))
    }
}

/// Whether a quota may be set to `places` while `used` places of it are taken by accepted or
/// departed submissions.
pub fn check_quota_change(quota: &Quota, used: u32) -> Result<(), SolutionError> {
    if quota.places < used {
        return Err(SolutionError::new(
            "quota_below_use",
            format!(
                "{used} places of {}'s {} quota are already used by accepted or departed submissions; the quota cannot be set to {} places. Set at least {used}, or withdraw accepted submissions first",
                quota.country, quota.year, quota.places
            ),
        ));
    }
    Ok(())
}

// ───────────────────────────── Submissions ─────────────────────────────

/// Where a resettlement submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Submitted to the State, awaiting its decision.
    Submitted,
    /// Accepted by the State: its persons use places of the State's quota for the year of acceptance.
    Accepted,
    /// Rejected by the State, with its reason.
    Rejected,
    /// Withdrawn by the operation before anyone departed, with the reason.
    Withdrawn,
    /// Every person departed to the State.
    Departed,
}

impl SubmissionStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [Self::Submitted, Self::Accepted, Self::Rejected, Self::Withdrawn, Self::Departed];

    /// The snake_case name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::Departed => "departed",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// True while the submission is open (a person in it may not be submitted again).
    pub fn open(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted)
    }

    /// True when its persons use places of a quota.
    pub fn uses_quota(self) -> bool {
        matches!(self, Self::Accepted | Self::Departed)
    }
}

/// One person's departure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Departure {
    /// The person who left.
    pub person: PersonId,
    /// The day they left.
    pub departed_on: NaiveDate,
}

/// A resettlement submission: one or more refugees (a household's members) proposed to one State.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    /// The resettlement State.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: Iso3,
    /// The persons submitted, each using one place once accepted.
    pub persons: Vec<PersonId>,
    /// Where it stands.
    pub status: SubmissionStatus,
    /// The day it was submitted.
    pub submitted_on: NaiveDate,
    /// The day the State decided (accepted or rejected), or the operation withdrew it.
    pub decided_on: Option<NaiveDate>,
    /// The year whose quota the acceptance uses.
    pub quota_year: Option<i32>,
    /// The State's reason for a rejection, or why the operation withdrew it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub reason: Option<Reason>,
    /// The departures recorded so far, one per person.
    pub departures: Vec<Departure>,
}

/// A step of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action", deny_unknown_fields)]
pub enum SubmissionAction {
    /// The State accepted every person of the submission.
    Accept,
    /// The State rejected the submission.
    Reject {
        /// The State's reason.
        reason: Reason,
    },
    /// The operation withdrew the submission (before anyone departed).
    Withdraw {
        /// Why.
        reason: Reason,
    },
    /// Persons of an accepted submission departed, each on their own day.
    Depart {
        /// One departure per person leaving now.
        departures: Vec<Departure>,
    },
}

impl SubmissionAction {
    /// The action's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject { .. } => "reject",
            Self::Withdraw { .. } => "withdraw",
            Self::Depart { .. } => "depart",
        }
    }
}

/// A quota and the places of it already used, as the store found them inside its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaUse {
    /// The quota's places.
    pub places: u32,
    /// Places used by accepted and departed submissions.
    pub used: u32,
}

/// What a step of a submission is decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionContext {
    /// Today (the day of the step).
    pub today: NaiveDate,
    /// The State's quota for the year of `today`, with its use, if one is set.
    pub quota: Option<QuotaUse>,
}

impl Submission {
    /// A new submission, submitted today. Check eligibility with [`check_submission`] first.
    pub fn new(country: Iso3, persons: Vec<PersonId>, today: NaiveDate) -> Self {
        Self { country, persons, status: SubmissionStatus::Submitted, submitted_on: today, decided_on: None, quota_year: None, reason: None, departures: Vec::new() }
    }

    /// Places this submission takes once accepted (one per person).
    pub fn places(&self) -> u32 {
        u32::try_from(self.persons.len()).unwrap_or(u32::MAX)
    }

    /// The actions the state machine allows now.
    pub fn allowed_actions(&self) -> Vec<&'static str> {
        match self.status {
            SubmissionStatus::Submitted => vec!["accept", "reject", "withdraw"],
            SubmissionStatus::Accepted if self.departures.is_empty() => vec!["depart", "withdraw"],
            SubmissionStatus::Accepted => vec!["depart"],
            SubmissionStatus::Rejected | SubmissionStatus::Withdrawn | SubmissionStatus::Departed => Vec::new(),
        }
    }

    /// The persons of the submission who have not departed yet.
    pub fn not_departed(&self) -> Vec<PersonId> {
        self.persons.iter().copied().filter(|p| !self.departures.iter().any(|d| d.person == *p)).collect()
    }

    fn illegal(&self, action: &SubmissionAction) -> SolutionError {
        let allowed = self.allowed_actions();
        let then = if allowed.is_empty() { "nothing more can be done with it; make a new submission if needed".to_string() } else { format!("what it allows now: {}", allowed.join(", ")) };
        let why = match (action, self.status) {
            (SubmissionAction::Withdraw { .. }, SubmissionStatus::Accepted) => " (persons of it have already departed)".to_string(),
            _ => String::new(),
        };
        SolutionError::new("illegal_transition", format!("a submission that is {}{why} cannot be {}; {then}", self.status.as_str(), past(action)))
    }

    /// Applies one step: the only way a submission moves. Returns the new submission, or why the
    /// step is refused (nothing changes then).
    pub fn apply(&self, action: &SubmissionAction, ctx: &SubmissionContext) -> Result<Submission, SolutionError> {
        if !self.allowed_actions().contains(&action.name()) {
            return Err(self.illegal(action));
        }
        let mut next = self.clone();
        match action {
            SubmissionAction::Accept => {
                let year = ctx.today.year();
                let Some(q) = ctx.quota else {
                    return Err(SolutionError::new(
                        "no_quota",
                        format!("no resettlement quota of {} for {year} is recorded for this operation; a senior protection officer sets it before an acceptance is recorded", self.country),
                    ));
                };
                let needed = self.places();
                if q.used.saturating_add(needed) > q.places {
                    let left = q.places.saturating_sub(q.used);
                    return Err(SolutionError::new(
                        "quota_exceeded",
                        format!(
                            "accepting {needed} person(s) would exceed {}'s quota for {year}: {} places, {} already used by accepted or departed submissions, {left} left. Have the quota raised if {} offers more places, or submit fewer persons",
                            self.country, q.places, q.used, self.country
                        ),
                    ));
                }
                next.status = SubmissionStatus::Accepted;
                next.decided_on = Some(ctx.today);
                next.quota_year = Some(year);
            }
            SubmissionAction::Reject { reason } => {
                next.status = SubmissionStatus::Rejected;
                next.decided_on = Some(ctx.today);
                next.reason = Some(reason.clone());
            }
            SubmissionAction::Withdraw { reason } => {
                next.status = SubmissionStatus::Withdrawn;
                next.decided_on = Some(ctx.today);
                next.reason = Some(reason.clone());
            }
            SubmissionAction::Depart { departures } => {
                if departures.is_empty() {
                    return Err(SolutionError::new("no_departures", "name every person who departed, each with the day they left"));
                }
                for (i, d) in departures.iter().enumerate() {
                    if !self.persons.contains(&d.person) {
                        return Err(SolutionError::new("not_in_submission", format!("person {} is not part of this submission; record departures only for its persons", d.person)));
                    }
                    if next.departures.iter().any(|x| x.person == d.person) || departures[..i].iter().any(|x| x.person == d.person) {
                        return Err(SolutionError::new("already_departed", format!("the departure of person {} is already recorded; a person departs once", d.person)));
                    }
                    if d.departed_on > ctx.today {
                        return Err(SolutionError::new("departure_in_future", format!("the departure of person {} is dated {}, after today ({}); record a departure once it happened", d.person, d.departed_on, ctx.today)));
                    }
                    if self.decided_on.is_some_and(|a| d.departed_on < a) {
                        return Err(SolutionError::new(
                            "departure_before_acceptance",
                            format!("the departure of person {} is dated {}, before the State accepted the submission; correct the date", d.person, d.departed_on),
                        ));
                    }
                    next.departures.push(*d);
                }
                if next.not_departed().is_empty() {
                    next.status = SubmissionStatus::Departed;
                }
            }
        }
        Ok(next)
    }
}

fn past(a: &SubmissionAction) -> &'static str {
    match a {
        SubmissionAction::Accept => "accepted",
        SubmissionAction::Reject { .. } => "rejected",
        SubmissionAction::Withdraw { .. } => "withdrawn",
        SubmissionAction::Depart { .. } => "departed",
    }
}

/// What the registry holds about one person proposed for resettlement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The person.
    pub person: PersonId,
    /// False when the person is not registered in the operation (or was merged into another record).
    pub in_operation: bool,
    /// The protection status they hold now (from their latest claim and derivative status).
    pub status: Option<RecordedStatus>,
    /// Their nationality as recorded.
    pub citizenship: Citizenship,
    /// True when a departure (resettlement or return) is already recorded for them.
    pub departed: bool,
    /// True when they are in another submission that is still open.
    pub open_submission: bool,
}

/// One person refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRefusal {
    /// The person.
    pub person: PersonId,
    /// Stable code.
    pub code: String,
    /// What is wrong and what to do.
    pub reason: String,
}

fn refusal(person: PersonId, code: &str, reason: impl Into<String>) -> PersonRefusal {
    PersonRefusal { person, code: code.into(), reason: reason.into() }
}

/// Whether these persons may be submitted for resettlement to `country` from an operation in `host`.
/// Every person is checked on their own; every refusal is returned.
pub fn check_submission(country: Iso3, host: Iso3, candidates: &[Candidate]) -> Result<(), Vec<PersonRefusal>> {
    let mut out = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let p = c.person;
        if candidates[..i].iter().any(|x| x.person == p) {
            out.push(refusal(p, "named_twice", "the person is named twice; name each person once"));
            continue;
        }
        if !c.in_operation {
            out.push(refusal(p, "not_in_operation", "the person is not registered in this operation (or their record was merged into another); submit the record kept"));
            continue;
        }
        if country == host {
            out.push(refusal(p, "country_of_asylum", format!("{host} is the country of asylum; resettlement is to a third State")));
        }
        if c.status != Some(RecordedStatus::Refugee) {
            out.push(refusal(
                p,
                "not_a_refugee",
                "the person does not hold refugee status (no recognition in effect, nor derivative refugee status); only refugees are submitted for resettlement: complete status determination first",
            ));
        }
        if let Citizenship::Countries(v) = &c.citizenship {
            if v.contains(&country) {
                out.push(refusal(p, "country_of_nationality", format!("{country} is a country of the person's nationality; going there is a return, not resettlement")));
            }
        }
        if c.departed {
            out.push(refusal(p, "already_departed", "a departure is already recorded for the person; they have left the operation"));
        }
        if c.open_submission {
            out.push(refusal(p, "already_submitted", "the person is in another open submission; withdraw it (or wait for the State's decision) before submitting them again"));
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

// ───────────────────────────── Voluntary return departures ─────────────────────────────

/// What the registry holds about one participant of a voluntary repatriation at departure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnFacts {
    /// The person.
    pub person: PersonId,
    /// False when the person is no longer a record of the operation (merged into another record).
    pub in_operation: bool,
    /// The verdict when the repatriation was requested allowed the return.
    pub allowed_when_requested: bool,
    /// A departure (resettlement or return) is already recorded for them.
    pub departed: bool,
    /// They withdrew their consent before leaving.
    pub consent_withdrawn: bool,
}

/// The verdict for one participant at departure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartureVerdict {
    /// The person.
    pub person: PersonId,
    /// True when the departure is recorded for them.
    pub allowed: bool,
    /// Every reason against (code, reason), empty when allowed.
    pub refusals: Vec<PersonRefusal>,
}

const VOLUNTARY: &str = "voluntariness is required up to departure (UNHCR Handbook on Voluntary Repatriation (1996) §2.3; EXCOM Conclusion No. 40 (XXXVI) 1985)";

/// Re-evaluates the participants of a voluntary repatriation on the day they leave. `facts` names
/// the participants said to be leaving now (a person not among the request's participants is
/// refused). One verdict per person named.
pub fn evaluate_return_departure(request: &VoluntaryRepatriation, facts: &[ReturnFacts], departed_on: NaiveDate) -> Vec<DepartureVerdict> {
    let now = evaluate_voluntary_repatriation(request, &GuardContext { today: departed_on });
    facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let p = f.person;
            let mut refusals = Vec::new();
            match now.iter().find(|(q, _)| *q == p) {
                None => refusals.push(refusal(p, "not_a_participant", "the person is not a participant of this repatriation; record their return through a repatriation that names them")),
                Some((_, verdict)) => {
                    if facts[..i].iter().any(|x| x.person == p) {
                        refusals.push(refusal(p, "named_twice", "the person is named twice; name each person once"));
                    }
                    if !f.allowed_when_requested {
                        refusals.push(refusal(
                            p,
                            "refused_when_requested",
                            "the return was not allowed when the repatriation was requested; record a new repatriation request with the missing consent or interview",
                        ));
                    }
                    for r in verdict.refusals() {
                        let code = serde_json::to_value(r.code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                        refusals.push(PersonRefusal { person: p, code, reason: format!("on the day of departure: {} ({})", r.reason, r.citation.as_str()) });
                    }
                    if f.consent_withdrawn {
                        refusals.push(refusal(p, "consent_withdrawn", format!("the person withdrew their consent before leaving; nobody returns against their will — {VOLUNTARY}")));
                    }
                    if f.departed {
                        refusals.push(refusal(p, "already_departed", "a departure is already recorded for the person; a person departs once"));
                    }
                    if !f.in_operation {
                        refusals.push(refusal(p, "not_in_operation", "the person's record is no longer one of the operation (it was merged into another); record the departure on the record kept"));
                    }
                }
            }
            DepartureVerdict { person: p, allowed: refusals.is_empty(), refusals }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::convention::guard::{InformedConsent, RepatriationParticipant, VoluntarinessInterview};
    use crate::event::Actor;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn iso(s: &str) -> Iso3 {
        Iso3::parse(s).unwrap()
    }
    fn pid(n: u128) -> PersonId {
        PersonId::from_uuid(uuid::Uuid::from_u128(n))
    }
    fn ctx(today: NaiveDate, quota: Option<(u32, u32)>) -> SubmissionContext {
        SubmissionContext { today, quota: quota.map(|(places, used)| QuotaUse { places, used }) }
    }
    fn reason(s: &str) -> Reason {
        Reason::parse(s).unwrap()
    }

    #[test]
    fn the_state_machine_moves_only_along_its_arrows() {
        let s = Submission::new(iso("CAN"), vec![pid(1), pid(2)], day(2026, 1, 10));
        let t = day(2026, 2, 1);
        let accept = SubmissionAction::Accept;
        let reject = SubmissionAction::Reject { reason: reason("Not within the State's priorities this year.") };
        let withdraw = SubmissionAction::Withdraw { reason: reason("The family asked to withdraw.") };
        let depart = |p: PersonId, d: NaiveDate| SubmissionAction::Depart { departures: vec![Departure { person: p, departed_on: d }] };
        // (from, action, expected status or error code)
        let accepted = s.apply(&accept, &ctx(t, Some((10, 0)))).unwrap();
        assert_eq!((accepted.status, accepted.quota_year, accepted.decided_on), (SubmissionStatus::Accepted, Some(2026), Some(t)));
        let rejected = s.apply(&reject, &ctx(t, None)).unwrap();
        assert_eq!(rejected.status, SubmissionStatus::Rejected);
        assert_eq!(rejected.reason.as_ref().map(|r| r.as_str()), Some("Not within the State's priorities this year."));
        assert_eq!(s.apply(&withdraw, &ctx(t, None)).unwrap().status, SubmissionStatus::Withdrawn);
        let half = accepted.apply(&depart(pid(1), day(2026, 3, 1)), &ctx(day(2026, 3, 2), None)).unwrap();
        assert_eq!((half.status, half.not_departed()), (SubmissionStatus::Accepted, vec![pid(2)]));
        let done = half.apply(&depart(pid(2), day(2026, 3, 2)), &ctx(day(2026, 3, 2), None)).unwrap();
        assert_eq!(done.status, SubmissionStatus::Departed);
        assert!(done.allowed_actions().is_empty());
        let cases: Vec<(&Submission, SubmissionAction, &str)> = vec![
            (&s, depart(pid(1), t), "illegal_transition"),
            (&accepted, accept.clone(), "illegal_transition"),
            (&accepted, reject.clone(), "illegal_transition"),
            (&rejected, accept.clone(), "illegal_transition"),
            (&rejected, withdraw.clone(), "illegal_transition"),
            (&half, withdraw.clone(), "illegal_transition"),
            (&done, depart(pid(1), t), "illegal_transition"),
            (&done, withdraw.clone(), "illegal_transition"),
            (&accepted, depart(pid(3), t), "not_in_submission"),
            (&half, depart(pid(1), day(2026, 3, 2)), "already_departed"),
            (&accepted, depart(pid(1), day(2026, 3, 3)), "departure_in_future"),
            (&accepted, depart(pid(1), day(2026, 1, 31)), "departure_before_acceptance"),
            (&accepted, SubmissionAction::Depart { departures: vec![] }, "no_departures"),
        ];
        for (from, action, code) in cases {
            let e = from.apply(&action, &ctx(day(2026, 3, 2), None)).unwrap_err();
            assert_eq!(e.code, code, "{} from {}: {}", action.name(), from.status.as_str(), e.message);
            assert!(!e.message.is_empty());
        }
        let e = rejected.apply(&accept, &ctx(t, None)).unwrap_err();
        assert!(e.message.contains("rejected") && e.message.contains("make a new submission"), "{}", e.message);
        let e = half.apply(&withdraw, &ctx(t, None)).unwrap_err();
        assert!(e.message.contains("already departed") && e.message.contains("depart"), "{}", e.message);
    }

    #[test]
    fn acceptance_never_exceeds_the_quota() {
        let s = Submission::new(iso("NOR"), vec![pid(1), pid(2), pid(3)], day(2026, 1, 10));
        let t = day(2026, 5, 1);
        let e = s.apply(&SubmissionAction::Accept, &ctx(t, None)).unwrap_err();
        assert_eq!(e.code, "no_quota");
        assert!(e.message.contains("NOR") && e.message.contains("2026"), "{}", e.message);
        let e = s.apply(&SubmissionAction::Accept, &ctx(t, Some((10, 8)))).unwrap_err();
        assert_eq!(e.code, "quota_exceeded");
        assert!(e.message.contains("10 places") && e.message.contains("8 already used") && e.message.contains("2 left"), "{}", e.message);
        assert!(s.apply(&SubmissionAction::Accept, &ctx(t, Some((10, 7)))).is_ok(), "exactly filling the quota is allowed");
    }

    #[test]
    fn quotas_are_parsed_and_never_lowered_below_their_use() {
        let host = iso("KEN");
        let q = Quota::parse("CAN", 2026, 120, Some("2025 pledge"), host).unwrap();
        assert_eq!((q.country, q.year, q.places), (iso("CAN"), 2026, 120));
        let e = Quota::parse("KEN", 1999, -1, Some("<b>"), host).unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["country", "year", "places", "note"]);
        assert!(check_quota_change(&q, 120).is_ok());
        assert_eq!(check_quota_change(&q, 121).unwrap_err().code, "quota_below_use");
    }

    #[test]
    fn only_refugees_are_submitted_to_a_third_state() {
        let ok = Candidate { person: pid(1), in_operation: true, status: Some(RecordedStatus::Refugee), citizenship: Citizenship::Countries(vec![iso("SYR")]), departed: false, open_submission: false };
        assert!(check_submission(iso("CAN"), iso("JOR"), std::slice::from_ref(&ok)).is_ok());
        let cases = [
            (Candidate { status: None, ..ok.clone() }, "not_a_refugee"),
            (Candidate { status: Some(RecordedStatus::ComplementaryProtection), ..ok.clone() }, "not_a_refugee"),
            (Candidate { in_operation: false, ..ok.clone() }, "not_in_operation"),
            (Candidate { departed: true, ..ok.clone() }, "already_departed"),
            (Candidate { open_submission: true, ..ok.clone() }, "already_submitted"),
            (Candidate { citizenship: Citizenship::Countries(vec![iso("CAN")]), ..ok.clone() }, "country_of_nationality"),
        ];
        for (c, code) in cases {
            let e = check_submission(iso("CAN"), iso("JOR"), &[c]).unwrap_err();
            assert_eq!(e.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), [code]);
        }
        let e = check_submission(iso("JOR"), iso("JOR"), std::slice::from_ref(&ok)).unwrap_err();
        assert_eq!(e[0].code, "country_of_asylum");
        let e = check_submission(iso("CAN"), iso("JOR"), &[ok.clone(), ok]).unwrap_err();
        assert_eq!(e[0].code, "named_twice");
    }

    #[test]
    fn a_return_departs_only_those_still_allowed() {
        let (a, b, c, d) = (pid(1), pid(2), pid(3), pid(4));
        let consent = |by: PersonId, on: NaiveDate| Some(InformedConsent { given_by: by, recorded_on: on, recorded_by: Actor::parse("officer").unwrap(), informed_of_conditions: true });
        let interview = Some(VoluntarinessInterview { on: day(2026, 5, 1), interviewed_by: Actor::parse("officer").unwrap(), conducted_individually: true, free_of_coercion: true });
        let req = VoluntaryRepatriation {
            destination: iso("BDI"),
            participants: vec![
                RepatriationParticipant::Adult { person: a, consent: consent(a, day(2026, 5, 1)), interview: interview.clone() },
                RepatriationParticipant::Adult { person: b, consent: consent(b, day(2026, 5, 1)), interview: interview.clone() },
                RepatriationParticipant::Adult { person: c, consent: None, interview: interview.clone() },
            ],
        };
        let f = |p, allowed, departed, withdrawn| ReturnFacts { person: p, in_operation: true, allowed_when_requested: allowed, departed, consent_withdrawn: withdrawn };
        let v = evaluate_return_departure(&req, &[f(a, true, false, false), f(b, true, false, true), f(c, false, false, false), f(d, true, false, false)], day(2026, 6, 1));
        let codes = |i: usize| v[i].refusals.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        assert!(v[0].allowed);
        assert_eq!(codes(1), ["consent_withdrawn"]);
        assert_eq!(codes(2), ["refused_when_requested", "missing_informed_consent"]);
        assert_eq!(codes(3), ["not_a_participant"]);
        // re-evaluated on the day of departure: a consent dated after it does not count
        let v = evaluate_return_departure(&req, &[f(a, true, false, false)], day(2026, 4, 30));
        assert!(!v[0].allowed);
        assert!(v[0].refusals.iter().any(|r| r.code == "record_dated_in_future"), "{:?}", v[0].refusals);
        let v = evaluate_return_departure(&req, &[f(a, true, true, false)], day(2026, 6, 1));
        assert_eq!(v[0].refusals[0].code, "already_departed");
    }
}
