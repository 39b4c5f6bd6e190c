//! Staff pages of refugee status determination: the list of claims, the case page (applicant,
//! stage, deadlines, every procedural event, and the steps this user may take now, as forms), the
//! structured assessment under Art. 1 with the engine's recommendation, and the printable decision
//! letter. Every write goes through the same functions as the JSON API (`protection_api`), so the
//! state machine, the roles and the redaction are the API's own.

use crate::api::{load_household, load_person};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::i18n::{Locale, Tr};
use crate::pages::{page_error_in, render, Chrome};
use crate::protection_api::{claim_jurisdiction, load_claim, lodge, record_claim_assessment, redact_claim_events, run_assessment, take_step, RESTRICTED};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use nansen_domain::access::Permission;
use nansen_domain::convention::assessment::{Assessment, Basis, Recommendation};
use nansen_domain::convention::jurisdiction::RegionalInstrument;
use nansen_domain::convention::procedure::{
    pending, Action, ActionKind, CessationClause, ClosureReason, Context, Outcome, ProcedureRules, RevocationClause, Stage, StageKind, Track,
    WrittenNotice,
};
use nansen_domain::convention::JurisdictionProfile;
use nansen_domain::person::LanguageCode;
use nansen_domain::{Citizenship, EntityKind, Event, Iso3, Operation, Reason};
use nansen_store::{ClaimRecord, PersonRecord, Protection, Queues, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Routes of the RSD pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/claims", get(claims_list))
        .route("/claims/{id}", get(claim_page))
        .route("/claims/{id}/actions", post(claim_action))
        .route("/claims/{id}/assessment", post(claim_assessment))
        .route("/claims/{id}/letter", get(letter))
        .route("/persons/{id}/claims", post(lodge_claim))
}

// ---------------------------------------------------------------------------------------------
// Codes and their translations

const OUTCOMES: [Outcome; 4] = [Outcome::Recognised, Outcome::ComplementaryProtection, Outcome::Rejected, Outcome::Excluded];
const NOTICES: [WrittenNotice; 3] = [WrittenNotice::InPerson, WrittenNotice::Post, WrittenNotice::Electronic];
const CLOSURES: [ClosureReason; 4] = [ClosureReason::Abandoned, ClosureReason::Withdrawn, ClosureReason::Deceased, ClosureReason::Duplicate];
const TRACKS: [Track; 4] = [Track::Regular, Track::Accelerated, Track::Simplified, Track::PrimaFacie];
const CESSATION: [CessationClause; 6] = [
    CessationClause::ReAvailment,
    CessationClause::ReAcquisition,
    CessationClause::NewNationality,
    CessationClause::ReEstablishment,
    CessationClause::CircumstancesCeasedNational,
    CessationClause::CircumstancesCeasedStateless,
];
const REVOCATION: [RevocationClause; 2] = [RevocationClause::Art1Fa, RevocationClause::Art1Fc];

/// The serde name of a value (`"interview_scheduled"`, `"1C(5)"`).
pub(crate) fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A value from its serde name.
fn from_code<T: for<'de> Deserialize<'de>>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_string())).ok()
}

/// A code as a part of a message key (`1C(5)` → `1C5`): keys hold letters, digits, `_` and `-`.
pub(crate) fn key_part(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect()
}

/// The translation of `code` under `prefix` (`stage-interview_scheduled`).
pub(crate) fn tcode(tr: &Tr, prefix: &str, code: &str) -> String {
    tr.t(&format!("{prefix}-{}", key_part(code)))
}

fn basis_text(tr: &Tr, b: &Basis) -> String {
    match b {
        Basis::Exclusion(c) => tr.t1("basis-exclusion", "clause", code(c)),
        Basis::Cessation(c) => tr.t1("basis-cessation", "clause", code(c)),
        other => tcode(tr, "basis", &code(other)),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// The operations the user works in (existing ones only), by code.
pub(crate) async fn user_operations(s: &AppState, pr: &Principal) -> Result<Vec<Operation>, ApiError> {
    Ok(s.store.operations().await?.into_iter().filter(|o| pr.user.operations.includes(o.id)).collect())
}

/// A person as lists and headings show them.
pub(crate) struct PersonName {
    pub(crate) id: String,
    pub(crate) latin: String,
    pub(crate) original: String,
}

impl PersonName {
    pub(crate) fn of(p: &PersonRecord) -> Self {
        Self { id: p.id.to_string(), latin: p.details.latin_full_name(), original: p.details.original_full_name().unwrap_or_default() }
    }
}

/// A claim row of a list.
pub(crate) struct ClaimLine {
    pub(crate) id: String,
    pub(crate) person: PersonName,
    pub(crate) stage: String,
    pub(crate) track: String,
    pub(crate) lodged: String,
    pub(crate) updated: DateTime<Utc>,
    pub(crate) due: String,
    pub(crate) overdue: bool,
    pub(crate) pending: bool,
}

impl ClaimLine {
    pub(crate) fn of(c: &ClaimRecord, person: PersonName, tr: &Tr, today: NaiveDate) -> Self {
        let d = ProcedureRules::default().deadlines(&c.state).into_iter().next();
        Self {
            id: c.id.to_string(),
            person,
            stage: tcode(tr, "stage", &code(&c.state.stage().kind())),
            track: tcode(tr, "track", &code(&c.state.track())),
            lodged: tr.date(c.state.lodged_on()),
            updated: c.updated_at,
            due: d.map(|d| tr.tn("claims-due", &[("what", tcode(tr, "deadline", &code(&d.kind))), ("date", tr.date(d.due))])).unwrap_or_default(),
            overdue: d.is_some_and(|d| d.due < today),
            pending: pending(&c.state, today),
        }
    }
}

/// The claim lines of `claims`, for persons the user may see (others are left out).
pub(crate) async fn claim_lines(s: &AppState, pr: &Principal, claims: &[ClaimRecord], tr: &Tr) -> Result<Vec<ClaimLine>, ApiError> {
    let today = s.now().date_naive();
    let mut out = Vec::with_capacity(claims.len());
    for c in claims {
        let Some(p) = s.store.person(c.person_id).await? else { continue };
        if pr.disclosure(&p.details.citizenship, "person", "").is_err() {
            continue;
        }
        out.push(ClaimLine::of(c, PersonName::of(&p), tr, today));
    }
    Ok(out)
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

fn with_status(mut r: Response, status: StatusCode) -> Response {
    *r.status_mut() = status;
    r
}

/// A translated message for a parse error of a free text.
fn text_error(tr: &Tr, e: &nansen_domain::ParseError) -> String {
    match e.code {
        "empty_reason" => tr.t("rsd-err-required"),
        "reason_too_long" => tr.t1("rsd-err-too-long", "max", nansen_domain::name::MAX_REASON),
        "invalid_text_character" => tr.t("rsd-err-text"),
        _ => e.message.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// The list of claims

#[derive(Deserialize)]
struct ClaimsQuery {
    stage: Option<String>,
    offset: Option<u32>,
}

const CLAIMS_PAGE: u32 = 50;

#[derive(Template)]
#[template(path = "claims.html")]
struct ClaimsPage {
    chrome: Chrome,
    stage: String,
    stages: Vec<(String, String, i64)>,
    all: i64,
    rows: Vec<ClaimLine>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    error: String,
}

async fn claims_list(State(s): State<AppState>, pr: Principal, Query(q): Query<ClaimsQuery>) -> Response {
    let chrome = Chrome::of(&pr);
    let tr = chrome.tr;
    let r: Result<Response, ApiError> = async {
        let ops: Vec<_> = user_operations(&s, &pr).await?.into_iter().map(|o| o.id).collect();
        let counts = s.store.claim_stage_counts(&ops, pr.assigned_to()).await?;
        // One stage, or several separated by commas (the home page's queues link to theirs).
        let mut stages: Vec<StageKind> = Vec::new();
        let mut error = String::new();
        for x in q.stage.as_deref().unwrap_or("").split(',').map(str::trim).filter(|x| !x.is_empty()) {
            match from_code::<StageKind>(x) {
                Some(k) => stages.push(k),
                None => error = tr.t1("claims-unknown-stage", "stage", x),
            }
        }
        if !error.is_empty() {
            stages.clear();
        }
        let offset = q.offset.unwrap_or(0);
        let page = s.store.claims_in_stages(&ops, pr.assigned_to(), &stages, true, CLAIMS_PAGE, offset).await?;
        let rows = claim_lines(&s, &pr, &page.items, &tr).await?;
        let stage = stages.iter().map(code).collect::<Vec<_>>().join(",");
        let link = |o: u32| format!("/claims?stage={stage}&offset={o}");
        let prev = (offset > 0).then(|| link(offset.saturating_sub(CLAIMS_PAGE)));
        let next = (i64::from(offset) + i64::from(CLAIMS_PAGE) < page.total).then(|| link(offset + CLAIMS_PAGE));
        let page_view = ClaimsPage {
            stages: StageKind::ALL
                .iter()
                .map(|k| (code(k), tcode(&tr, "stage", &code(k)), counts.iter().find(|(x, _)| x == k).map(|x| x.1).unwrap_or(0)))
                .collect(),
            all: counts.iter().map(|x| x.1).sum(),
            chrome,
            stage,
            rows,
            total: page.total,
            prev,
            next,
            error,
        };
        let bad = !page_view.error.is_empty();
        let r = render(&page_view);
        Ok(if bad { with_status(r, StatusCode::BAD_REQUEST) } else { r })
    }
    .await;
    r.unwrap_or_else(|e| page_error_in(pr.locale, e))
}

// ---------------------------------------------------------------------------------------------
// The case page

/// One fact of the current stage.
struct Fact {
    label: String,
    value: String,
    /// User data (wrapped in `<bdi>`).
    user: bool,
}

struct DeadlineLine {
    what: String,
    due: String,
    overdue: bool,
}

/// One procedural event: who, when, what, why.
struct StepLine {
    at: DateTime<Utc>,
    actor: String,
    what: String,
    role: String,
    from: String,
    to: String,
    details: Vec<String>,
    texts: Vec<(String, String)>,
    withheld: bool,
}

struct ReasonLine {
    step: String,
    country: String,
    finding: String,
    finding_code: String,
    explanation: String,
    citation: String,
}

/// An assessment's result as pages show it.
struct AssessmentView {
    recommendation: String,
    basis: String,
    reasons: Vec<ReasonLine>,
    bars: Vec<String>,
    /// Who recorded it and when (empty for a preview).
    recorded: String,
    note: String,
}

impl AssessmentView {
    fn of(result: &Value, facts: &Value, tr: &Tr, by: String, at: Option<DateTime<Utc>>) -> Option<(Self, Recommendation)> {
        let a: Assessment = serde_json::from_value(result.clone()).ok()?;
        let view = Self {
            recommendation: tcode(tr, "rec", &code(&a.recommendation)),
            basis: basis_text(tr, &a.basis),
            reasons: a
                .reasons
                .iter()
                .map(|r| ReasonLine {
                    step: tcode(tr, "step", &code(&r.step)),
                    country: r.country.map(|c| c.to_string()).unwrap_or_default(),
                    finding: tcode(tr, "finding", &code(&r.finding)),
                    finding_code: code(&r.finding),
                    explanation: r.explanation.clone(),
                    citation: r.citation.to_string(),
                })
                .collect(),
            bars: a.absolute_bars.iter().map(|b| tr.tn("assess-bar", &[("country", b.country.to_string()), ("instrument", tcode(tr, "bar", &code(&b.instrument)))])).collect(),
            recorded: at.map(|at| tr.tn("assess-recorded", &[("actor", by), ("when", tr.datetime(at))])).unwrap_or_default(),
            note: facts.get("note").and_then(Value::as_str).unwrap_or_default().to_string(),
        };
        Some((view, a.recommendation))
    }
}

/// A form for one action the user may take now.
struct ActionForm {
    kind: &'static str,
    title: String,
    button: String,
    hint: String,
    /// The choice field (`outcome`, `method`, …), its label and the options legal now.
    choice: &'static str,
    choice_label: String,
    options: Vec<(String, String)>,
    /// The free-text field (`reasons`, `notes`, …), its label, and whether it is required.
    text: &'static str,
    text_label: String,
    text_required: bool,
    /// `lodge_appeal` after the deadline: the good cause is required.
    late: bool,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl ActionForm {
    /// A value typed into the form.
    fn v(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }
    /// True when the checkbox was ticked.
    fn on(&self, field: &str) -> bool {
        !self.v(field).is_empty()
    }
    /// The error of a field, if any.
    fn err(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
    /// `aria-describedby` for a field: its hint and its error.
    fn described(&self, field: &str, hint: bool) -> String {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{}-{field}-hint", self.kind));
        }
        if self.err(field).is_some() {
            ids.push(format!("{}-{field}-error", self.kind));
        }
        ids.join(" ")
    }
}

/// The structured assessment form: raw values by field name.
struct AssessForm {
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
    countries: Vec<&'static str>,
    allegations: Vec<&'static str>,
    regional: bool,
    oau: bool,
    cartagena: bool,
    geo_limitation: bool,
    jurisdiction: String,
}

impl AssessForm {
    fn v(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }
    fn pv(&self, p: &str, name: &str) -> &str {
        self.v(&format!("{p}_{name}"))
    }
    fn on(&self, name: &str) -> bool {
        !self.v(name).is_empty()
    }
    fn pon(&self, p: &str, name: &str) -> bool {
        !self.pv(p, name).is_empty()
    }
    fn pon3(&self, p: &str, a: &str, b: &str) -> bool {
        !self.v(&format!("{p}_{a}_{b}")).is_empty()
    }
    fn pv3(&self, p: &str, a: &str, b: &str) -> &str {
        self.v(&format!("{p}_{a}_{b}"))
    }
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.as_str())
    }
    fn perr(&self, p: &str, name: &str) -> Option<&str> {
        self.err(&format!("{p}_{name}"))
    }
    /// `aria-describedby` of a field with an error.
    fn desc(&self, name: &str) -> String {
        if self.err(name).is_some() {
            format!("{name}-error")
        } else {
            String::new()
        }
    }
    fn pdesc(&self, p: &str, name: &str) -> String {
        self.desc(&format!("{p}_{name}"))
    }
}

/// Choices of the assessment form: (code, translated label), and its groups of checkboxes
/// (field name or suffix, translated label).
struct AssessChoices {
    harms: Vec<(&'static str, String)>,
    severities: Vec<(&'static str, String)>,
    grounds: Vec<(&'static str, String)>,
    likelihoods: Vec<(&'static str, String)>,
    protections: Vec<(&'static str, String)>,
    events: Vec<(&'static str, String)>,
    unrwa: Vec<(&'static str, String)>,
    clauses: Vec<(&'static str, String)>,
    crimes: Vec<(&'static str, String)>,
    defences: Vec<(&'static str, String)>,
    serious_harms: Vec<(&'static str, String)>,
    country: Vec<(&'static str, String)>,
    prosecution: Vec<(&'static str, String)>,
    fear: Vec<(&'static str, String)>,
    ifa: Vec<(&'static str, String)>,
    psg: Vec<(&'static str, String)>,
    allegation: Vec<(&'static str, String)>,
    crime_b: Vec<(&'static str, String)>,
    reavailment: Vec<(&'static str, String)>,
    change: Vec<(&'static str, String)>,
    cessation: Vec<(&'static str, String)>,
}

/// The checkbox groups of the assessment form, by group: field names (or suffixes after the
/// country's or allegation's prefix).
const CHECKS: &[(&str, &[&str])] = &[
    ("country", &["outside", "effective"]),
    ("prosecution", &["pros_law", "pros_punishment", "cumulative"]),
    ("fear", &["subjective", "limited_capacity", "conceal"]),
    ("ifa", &["ifa_accessible", "ifa_risk", "ifa_harsh"]),
    ("psg", &["psg_protected", "psg_perceived", "psg_solely"]),
    ("allegation", &["serious_reasons", "individual"]),
    ("crime_b", &["crime_serious", "crime_non_political", "crime_outside"]),
    ("reavailment", &["cr_reavail", "cr_voluntary", "cr_intention", "cr_obtained"]),
    ("change", &["cr_change", "cr_fundamental", "cr_durable", "cr_effective"]),
    ("cessation", &["cr_reacquired", "cr_new_nationality", "cr_reestablished", "cr_compelling"]),
];

impl AssessChoices {
    fn new(tr: &Tr) -> Self {
        let list = |prefix: &str, codes: &[&'static str]| codes.iter().map(|c| (*c, tcode(tr, prefix, c))).collect::<Vec<_>>();
        let checks = |group: &str| {
            let names = CHECKS.iter().find(|(g, _)| *g == group).map(|(_, n)| *n).unwrap_or(&[]);
            names.iter().map(|n| (*n, tr.t(&format!("af-{n}")))).collect::<Vec<_>>()
        };
        Self {
            harms: list("harm", HARMS),
            severities: list("severity", SEVERITIES),
            grounds: list("ground", GROUNDS),
            likelihoods: list("likelihood", LIKELIHOODS),
            protections: list("protection", PROTECTIONS),
            events: list("event", EVENTS),
            unrwa: list("unrwa", UNRWA),
            clauses: list("clause1f", CLAUSES_1F),
            crimes: list("crime", CRIMES),
            defences: list("defence", DEFENCES),
            serious_harms: list("sharm", SERIOUS_HARMS),
            country: checks("country"),
            prosecution: checks("prosecution"),
            fear: checks("fear"),
            ifa: checks("ifa"),
            psg: checks("psg"),
            allegation: checks("allegation"),
            crime_b: checks("crime_b"),
            reavailment: checks("reavailment"),
            change: checks("change"),
            cessation: checks("cessation"),
        }
    }
}

const HARMS: &[&str] = &[
    "threat_to_life",
    "torture",
    "arbitrary_detention",
    "sexual_violence",
    "serious_human_rights_violation",
    "prosecution",
    "discrimination",
    "harassment",
    "economic_hardship",
    "other",
];
const SEVERITIES: &[&str] = &["minor", "substantially_prejudicial", "serious"];
const GROUNDS: &[&str] = &["race", "religion", "nationality", "particular_social_group", "political_opinion"];
const LIKELIHOODS: &[&str] = &["remote", "reasonable_possibility", "more_likely_than_not"];
const PROTECTIONS: &[&str] = &["effective", "unable", "unwilling"];
const EVENTS: &[&str] = &[
    "external_aggression",
    "occupation",
    "foreign_domination",
    "generalized_violence",
    "internal_conflict",
    "massive_human_rights_violations",
    "serious_public_order_disturbance",
];
const UNRWA: &[&str] = &["receiving", "left_voluntarily", "ceased_beyond_control", "unrwa_ended"];
const CLAUSES_1F: &[&str] = &["1F(a)", "1F(b)", "1F(c)"];
const CRIMES: &[&str] = &["crime_against_peace", "war_crime", "crime_against_humanity", "genocide"];
const DEFENCES: &[&str] = &["duress", "self_defence", "mental_incapacity", "involuntary_intoxication", "under_age_of_responsibility", "superior_orders_not_manifestly_unlawful"];
const SERIOUS_HARMS: &[&str] = &["torture", "cruel_inhuman_degrading_treatment", "death_penalty", "indiscriminate_violence"];

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage {
    chrome: Chrome,
    id: String,
    version: i64,
    person: PersonName,
    case_number: String,
    household_id: String,
    stage_code: String,
    stage: String,
    track: String,
    since: String,
    lodged: String,
    pending: bool,
    appeal_pending: bool,
    facts: Vec<Fact>,
    deadlines: Vec<DeadlineLine>,
    timeline: Vec<StepLine>,
    sensitive: bool,
    assessment: Option<AssessmentView>,
    assessments: usize,
    preview: Option<AssessmentView>,
    forms: Vec<ActionForm>,
    assess: Option<AssessForm>,
    choices: AssessChoices,
    alert: String,
    letter: bool,
    no_action_reason: String,
}

/// A form's raw values by field name.
type FormValues = HashMap<String, String>;
/// Field errors: (field, message).
type FieldErrs = Vec<(String, String)>;

/// A posted form with its problems.
#[derive(Clone)]
struct PostedForm {
    values: FormValues,
    errors: FieldErrs,
}

/// What a re-rendered page carries from the form that was posted.
#[derive(Default)]
struct Posted {
    /// The action's code and its form.
    action: Option<(String, PostedForm)>,
    assess: Option<PostedForm>,
    /// A preview's result and facts.
    preview: Option<(Value, Value)>,
    alert: String,
}

async fn claim_page(State(s): State<AppState>, pr: Principal, Path(id): Path<String>) -> Response {
    match build_claim_page(&s, &pr, &id, Posted::default()).await {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}

async fn build_claim_page(s: &AppState, pr: &Principal, id: &str, posted: Posted) -> Result<ClaimPage, ApiError> {
    let chrome = Chrome::of(pr);
    let tr = chrome.tr;
    let claim = load_claim(s, pr, id).await?;
    let person = load_person(s, pr, &claim.person_id.to_string()).await?;
    let household = s.store.household(person.household_id).await?;
    let sensitive = pr.may(Permission::SensitiveRead);
    let now = s.now();
    let today = now.date_naive();
    let rules = ProcedureRules::default();
    let state = &claim.state;
    let stage = state.stage();

    // The stage's facts.
    let mut facts = Vec::new();
    let mut fact = |key: &str, value: String, user: bool| facts.push(Fact { label: tr.t(key), value, user });
    match stage {
        Stage::InterviewScheduled { at, language, interpreter_required } => {
            fact("claim-interview-at", tr.datetime(*at), false);
            fact("claim-interview-language", language.to_string(), true);
            fact("claim-interpreter", tr.t(if *interpreter_required { "rsd-yes" } else { "rsd-no" }), false);
        }
        Stage::Interviewed { interviewed_by } => fact("claim-interviewed-by", interviewed_by.to_string(), true),
        Stage::AssessmentDrafted { recommendation, drafted_by } => {
            fact("claim-recommendation", tcode(&tr, "outcome", &code(recommendation)), false);
            fact("claim-drafted-by", drafted_by.to_string(), true);
        }
        Stage::Reviewed { recommendation, drafted_by, reviewed_by } => {
            fact("claim-recommendation", tcode(&tr, "outcome", &code(recommendation)), false);
            fact("claim-drafted-by", drafted_by.to_string(), true);
            fact("claim-reviewed-by", reviewed_by.to_string(), true);
        }
        Stage::Decided { outcome, decided_by, reasons } | Stage::AppealDecided { outcome, decided_by, reasons } => {
            fact("claim-outcome", tcode(&tr, "outcome", &code(outcome)), false);
            fact("claim-decided-by", decided_by.to_string(), true);
            fact("claim-reasons", if sensitive { reasons.to_string() } else { tr.t("rsd-withheld") }, sensitive);
        }
        Stage::Notified { outcome, decided_by, notified_on, appeal_deadline } => {
            fact("claim-outcome", tcode(&tr, "outcome", &code(outcome)), false);
            fact("claim-decided-by", decided_by.to_string(), true);
            fact("claim-notified-on", tr.date(*notified_on), false);
            fact("claim-appeal-deadline", appeal_deadline.map(|d| tr.date(d)).unwrap_or_else(|| tr.t("claim-no-appeal-needed")), false);
        }
        Stage::AppealLodged { first_instance, first_instance_by } => {
            fact("claim-first-instance", tcode(&tr, "outcome", &code(first_instance)), false);
            fact("claim-decided-by", first_instance_by.to_string(), true);
        }
        Stage::Final { outcome } => fact("claim-outcome", tcode(&tr, "outcome", &code(outcome)), false),
        Stage::Closed { reason, reopenable_until } => {
            fact("claim-closure", tcode(&tr, "closure", &code(reason)), false);
            if let Some(u) = reopenable_until {
                fact("claim-reopenable-until", tr.date(*u), false);
            }
        }
        Stage::Ceased { clause } => fact("claim-clause", tcode(&tr, "cessation", &code(clause)), false),
        Stage::Revoked { clause } => fact("claim-clause", tcode(&tr, "revocation", &code(clause)), false),
        Stage::Lodged | Stage::RegisteredForRsd | Stage::Cancelled => {}
    }

    let deadlines = rules
        .deadlines(state)
        .into_iter()
        .map(|d| DeadlineLine { what: tcode(&tr, "deadline", &code(&d.kind)), due: tr.date(d.due), overdue: d.due < today })
        .collect();

    // The timeline, redacted as the API redacts it.
    let events = redact_claim_events(s.store.history(EntityKind::Claim, claim.id.as_uuid()).await?, pr);
    let timeline = events.iter().map(|e| step_line(e, &tr)).collect();

    // The assessments (sensitive: persecution facts, exclusion findings).
    let (assessment, assessments, latest_rec, latest_facts) = if sensitive {
        let all = s.store.assessments(claim.id).await?;
        let latest = all.last().and_then(|a| AssessmentView::of(&a.result, &a.facts, &tr, a.actor.clone(), Some(a.created_at)));
        let rec = latest.as_ref().map(|x| x.1);
        (latest.map(|x| x.0), all.len(), rec, all.last().map(|a| a.facts.clone()))
    } else {
        (None, 0, None, None)
    };
    let preview = posted.preview.as_ref().and_then(|(r, f)| AssessmentView::of(r, f, &tr, String::new(), None)).map(|x| x.0);

    // The actions this user may take now: those the state machine would accept from them.
    let mut forms = Vec::new();
    if pr.may(Permission::ClaimAct) {
        for kind in rules.allowed_actions(state) {
            if let Some(f) = offer(pr, &claim, kind, &tr, now) {
                forms.push(f);
            }
        }
    }
    // Defaults, then what was posted.
    for f in &mut forms {
        match f.kind {
            "schedule_interview" => {
                if let Some(l) = person.details.languages.first() {
                    f.values.insert("language".into(), l.to_string());
                }
                f.values.insert("at_time".into(), "09:00".into());
            }
            "draft_assessment" => {
                if let Some(o) = latest_rec.and_then(|r| r.claim_outcome()) {
                    f.values.insert("recommendation".into(), code(&o));
                }
            }
            _ => {}
        }
        if let Some((kind, form)) = &posted.action {
            if kind == f.kind {
                f.values = form.values.clone();
                f.errors = form.errors.clone();
            }
        }
    }
    let no_action_reason = if forms.is_empty() {
        if !pr.may(Permission::ClaimAct) {
            tr.t("claim-no-actions-role")
        } else if rules.allowed_actions(state).is_empty() {
            tr.t("claim-no-actions-closed")
        } else {
            tr.t("claim-no-actions-now")
        }
    } else {
        String::new()
    };

    // The structured assessment form.
    let final_recognised = matches!(stage, Stage::Final { outcome: Outcome::Recognised });
    let assess = if pr.may(Permission::AssessmentWrite) && (rules.allowed_actions(state).contains(&ActionKind::DraftAssessment) || final_recognised || posted.assess.is_some()) {
        let profile = claim_jurisdiction(s, &claim).await?;
        // What was posted, else what the latest assessment found, else defaults from the registry.
        let form = posted.assess.clone().unwrap_or_else(|| {
            let mut values = match &latest_facts {
                Some(f) => form_from_facts(f),
                None => assess_defaults(&person.details.citizenship, final_recognised),
            };
            if final_recognised {
                values.insert("review".into(), "on".into());
            }
            PostedForm { values, errors: Vec::new() }
        });
        Some(assess_form(form.values, form.errors, &profile))
    } else {
        None
    };

    let letter = sensitive && state.outcome().is_some();
    let appeal_pending = matches!(stage, Stage::AppealLodged { .. } | Stage::AppealDecided { .. });
    let choices = AssessChoices::new(&tr);
    Ok(ClaimPage {
        id: claim.id.to_string(),
        version: claim.version,
        person: PersonName::of(&person),
        case_number: household.as_ref().map(|h| h.household.case_number.to_string()).unwrap_or_default(),
        household_id: person.household_id.to_string(),
        stage_code: code(&stage.kind()),
        stage: tcode(&tr, "stage", &code(&stage.kind())),
        track: tcode(&tr, "track", &code(&state.track())),
        since: tr.date(state.since()),
        lodged: tr.date(state.lodged_on()),
        pending: pending(state, today),
        appeal_pending,
        facts,
        deadlines,
        timeline,
        sensitive,
        assessment,
        assessments,
        preview,
        forms,
        assess,
        choices,
        alert: posted.alert,
        letter,
        no_action_reason,
        chrome,
    })
}

/// One history event as the timeline shows it.
fn step_line(e: &Event, tr: &Tr) -> StepLine {
    let d = &e.data;
    let mut line = StepLine {
        at: e.at,
        actor: e.actor.clone(),
        what: String::new(),
        role: String::new(),
        from: String::new(),
        to: String::new(),
        details: Vec::new(),
        texts: Vec::new(),
        withheld: false,
    };
    let text = |line: &mut StepLine, key: &str, v: &str| {
        if v == RESTRICTED {
            line.withheld = true;
        } else if !v.is_empty() && !line.texts.iter().any(|(_, x)| x == v) {
            line.texts.push((tr.t(key), v.to_string()));
        }
    };
    match e.kind.as_str() {
        "claim_lodged" => {
            line.what = tr.t("ev-claim_lodged");
            line.to = tcode(tr, "stage", "lodged");
            if let Some(t) = d["track"].as_str() {
                line.details.push(format!("{}: {}", tr.t("claim-track"), tcode(tr, "track", t)));
            }
        }
        "assessment_recorded" => {
            line.what = tr.t("ev-assessment_recorded");
            if let Some(r) = d["recommendation"].as_str() {
                line.details.push(format!("{}: {}", tr.t("assess-recommendation"), tcode(tr, "rec", r)));
            }
        }
        _ => {
            let a = &d["action"];
            line.what = a["action"].as_str().map(|x| tcode(tr, "action", x)).unwrap_or_else(|| e.kind.as_str().to_string());
            line.role = d["role"].as_str().map(|x| tcode(tr, "prole", x)).unwrap_or_default();
            line.from = d["from"].as_str().map(|x| tcode(tr, "stage", x)).unwrap_or_default();
            line.to = d["state"]["stage"]["stage"].as_str().map(|x| tcode(tr, "stage", x)).unwrap_or_default();
            for (field, prefix) in [("outcome", "outcome"), ("recommendation", "outcome"), ("method", "notice"), ("closure", "closure"), ("to", "track"), ("clause", "clause")] {
                if let Some(v) = a[field].as_str() {
                    let label = if field == "clause" { v.to_string() } else { tcode(tr, prefix, v) };
                    line.details.push(format!("{}: {label}", tcode(tr, "stepfield", field)));
                }
            }
            if let Some(at) = a["at"].as_str().and_then(|x| x.parse::<DateTime<Utc>>().ok()) {
                line.details.push(format!("{}: {}", tr.t("claim-interview-at"), tr.datetime(at)));
            }
            if let Some(l) = a["language"].as_str() {
                line.details.push(format!("{}: {l}", tr.t("claim-interview-language")));
            }
            if a["interpreter_required"].as_bool() == Some(true) {
                line.details.push(tr.t("claim-interpreter-required"));
            }
            for field in ["reasons", "grounds", "late_reason", "reason"] {
                if let Some(v) = a[field].as_str() {
                    text(&mut line, &format!("stepfield-{field}"), v);
                }
            }
        }
    }
    if let Some(r) = &e.reason {
        let key = if e.kind.as_str() == "claim_step" && d["action"]["action"] == "record_interview" { "stepfield-notes" } else { "stepfield-note" };
        text(&mut line, key, r);
    }
    line
}

/// The form for `kind` when the state machine would accept it from this user now, with the
/// choices it would accept; `None` when it would refuse (or the action is not offered on pages).
fn offer(pr: &Principal, claim: &ClaimRecord, kind: ActionKind, tr: &Tr, now: DateTime<Utc>) -> Option<ActionForm> {
    let role = pr.procedure_role(kind).ok()?;
    let ctx = Context { actor: pr.actor(), role, now };
    let rules = ProcedureRules::default();
    let ok = |a: Action| rules.apply(&claim.state, &a, &ctx).is_ok();
    let filler = Reason::parse("A written statement of the facts found, the evidence relied on and the legal criteria applied.").ok()?;
    let kc = code(&kind);
    let mut f = ActionForm {
        kind: static_code(kind),
        title: tcode(tr, "action", &kc),
        button: tcode(tr, "act-do", &kc),
        hint: tr.t(&format!("act-hint-{}", key_part(&kc))),
        choice: "",
        choice_label: String::new(),
        options: Vec::new(),
        text: "",
        text_label: String::new(),
        text_required: false,
        late: false,
        values: HashMap::new(),
        errors: Vec::new(),
    };
    let choose = |f: &mut ActionForm, field: &'static str, prefix: &str, codes: Vec<(String, bool)>| {
        f.choice = field;
        f.choice_label = tcode(tr, "stepfield", field);
        f.options = codes.into_iter().filter(|(_, legal)| *legal).map(|(c, _)| (c.clone(), tcode(tr, prefix, &c))).collect();
    };
    let texts = |f: &mut ActionForm, field: &'static str, required: bool| {
        f.text = field;
        f.text_label = tcode(tr, "stepfield", field);
        f.text_required = required;
    };
    let legal = match kind {
        ActionKind::RegisterForRsd => ok(Action::RegisterForRsd),
        ActionKind::ScheduleInterview => ok(Action::ScheduleInterview {
            at: now + chrono::Duration::days(60),
            language: LanguageCode::parse("en").ok()?,
            interpreter_required: false,
        }),
        ActionKind::RecordInterview => {
            texts(&mut f, "notes", true);
            ok(Action::RecordInterview)
        }
        ActionKind::DraftAssessment => {
            choose(&mut f, "recommendation", "outcome", OUTCOMES.iter().map(|o| (code(o), ok(Action::DraftAssessment { recommendation: *o }))).collect());
            !f.options.is_empty()
        }
        ActionKind::Review => {
            texts(&mut f, "note", false);
            ok(Action::Review)
        }
        ActionKind::Decide => {
            choose(&mut f, "outcome", "outcome", OUTCOMES.iter().map(|o| (code(o), ok(Action::Decide { outcome: *o, reasons: filler.clone() }))).collect());
            texts(&mut f, "reasons", true);
            !f.options.is_empty()
        }
        ActionKind::DecideAppeal => {
            choose(&mut f, "outcome", "outcome", OUTCOMES.iter().map(|o| (code(o), ok(Action::DecideAppeal { outcome: *o, reasons: filler.clone() }))).collect());
            texts(&mut f, "reasons", true);
            !f.options.is_empty()
        }
        ActionKind::Notify => {
            choose(&mut f, "method", "notice", NOTICES.iter().map(|m| (code(m), ok(Action::Notify { method: *m }))).collect());
            !f.options.is_empty()
        }
        ActionKind::NotifyAppealDecision => {
            choose(&mut f, "method", "notice", NOTICES.iter().map(|m| (code(m), ok(Action::NotifyAppealDecision { method: *m }))).collect());
            !f.options.is_empty()
        }
        ActionKind::LodgeAppeal => {
            texts(&mut f, "grounds", true);
            if ok(Action::LodgeAppeal { grounds: filler.clone(), late_reason: None }) {
                true
            } else if ok(Action::LodgeAppeal { grounds: filler.clone(), late_reason: Some(filler.clone()) }) {
                f.late = true;
                true
            } else {
                false
            }
        }
        ActionKind::Finalise => ok(Action::Finalise),
        ActionKind::Withdraw => {
            texts(&mut f, "reason", true);
            ok(Action::Withdraw { reason: filler.clone() })
        }
        ActionKind::Close => {
            choose(&mut f, "closure", "closure", CLOSURES.iter().map(|c| (code(c), ok(Action::Close { closure: *c, reason: filler.clone() }))).collect());
            texts(&mut f, "reason", true);
            !f.options.is_empty()
        }
        ActionKind::Reopen => {
            texts(&mut f, "reason", true);
            ok(Action::Reopen { reason: filler.clone() })
        }
        ActionKind::ChangeTrack => {
            let current = claim.state.track();
            choose(&mut f, "to", "track", TRACKS.iter().filter(|t| **t != current).map(|t| (code(t), ok(Action::ChangeTrack { to: *t, reason: filler.clone() }))).collect());
            texts(&mut f, "reason", true);
            !f.options.is_empty()
        }
        ActionKind::Cease => {
            choose(&mut f, "clause", "cessation", CESSATION.iter().map(|c| (code(c), ok(Action::Cease { clause: *c, reasons: filler.clone() }))).collect());
            texts(&mut f, "reasons", true);
            !f.options.is_empty()
        }
        ActionKind::Cancel => {
            texts(&mut f, "reasons", true);
            ok(Action::Cancel { reasons: filler.clone() })
        }
        ActionKind::Revoke => {
            choose(&mut f, "clause", "revocation", REVOCATION.iter().map(|c| (code(c), ok(Action::Revoke { clause: *c, reasons: filler.clone() }))).collect());
            texts(&mut f, "reasons", true);
            !f.options.is_empty()
        }
        // A prima facie recognition needs the declaration and the registration data; it is taken
        // through the API.
        ActionKind::RecognisePrimaFacie => false,
    };
    legal.then_some(f)
}

fn static_code(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::RegisterForRsd => "register_for_rsd",
        ActionKind::ScheduleInterview => "schedule_interview",
        ActionKind::RecordInterview => "record_interview",
        ActionKind::DraftAssessment => "draft_assessment",
        ActionKind::Review => "review",
        ActionKind::Decide => "decide",
        ActionKind::RecognisePrimaFacie => "recognise_prima_facie",
        ActionKind::Notify => "notify",
        ActionKind::LodgeAppeal => "lodge_appeal",
        ActionKind::DecideAppeal => "decide_appeal",
        ActionKind::NotifyAppealDecision => "notify_appeal_decision",
        ActionKind::Finalise => "finalise",
        ActionKind::Withdraw => "withdraw",
        ActionKind::Close => "close",
        ActionKind::Reopen => "reopen",
        ActionKind::ChangeTrack => "change_track",
        ActionKind::Cease => "cease",
        ActionKind::Cancel => "cancel",
        ActionKind::Revoke => "revoke",
    }
}

// ---------------------------------------------------------------------------------------------
// Taking a step

/// Parses the posted form of `kind` into an action and the note kept with it, or the field errors.
fn parse_action(kind: ActionKind, v: &FormValues, tr: &Tr) -> Result<(Action, Option<String>), FieldErrs> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let get = |f: &str| v.get(f).map(|x| x.trim()).unwrap_or("");
    let reason = |errors: &mut Vec<(String, String)>, f: &str| -> Option<Reason> {
        match Reason::parse(get(f)) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push((f.to_string(), text_error(tr, &e)));
                None
            }
        }
    };
    fn choice<T: for<'de> Deserialize<'de>>(errors: &mut Vec<(String, String)>, tr: &Tr, f: &str, raw: &str) -> Option<T> {
        let x = from_code::<T>(raw);
        if x.is_none() {
            errors.push((f.to_string(), tr.t(if raw.is_empty() { "rsd-err-choose" } else { "rsd-err-choice" })));
        }
        x
    }
    let action = match kind {
        ActionKind::RegisterForRsd => Some(Action::RegisterForRsd),
        ActionKind::ScheduleInterview => {
            let date = NaiveDate::parse_from_str(get("at_date"), "%Y-%m-%d").map_err(|_| ("at_date", if get("at_date").is_empty() { "rsd-err-required" } else { "rsd-err-date" }));
            let time = NaiveTime::parse_from_str(get("at_time"), "%H:%M").map_err(|_| ("at_time", if get("at_time").is_empty() { "rsd-err-required" } else { "rsd-err-time" }));
            let language = LanguageCode::parse(get("language")).map_err(|_| ("language", if get("language").is_empty() { "rsd-err-required" } else { "rsd-err-language" }));
            for e in [date.as_ref().err(), time.as_ref().err(), language.as_ref().err()].into_iter().flatten() {
                errors.push((e.0.to_string(), tr.t(e.1)));
            }
            match (date, time, language) {
                (Ok(d), Ok(t), Ok(l)) => Some(Action::ScheduleInterview { at: d.and_time(t).and_utc(), language: l, interpreter_required: !get("interpreter").is_empty() }),
                _ => None,
            }
        }
        ActionKind::RecordInterview => reason(&mut errors, "notes").map(|_| Action::RecordInterview),
        ActionKind::DraftAssessment => choice(&mut errors, tr, "recommendation", get("recommendation")).map(|recommendation| Action::DraftAssessment { recommendation }),
        ActionKind::Review => Some(Action::Review),
        ActionKind::Decide | ActionKind::DecideAppeal => {
            let outcome = choice::<Outcome>(&mut errors, tr, "outcome", get("outcome"));
            let reasons = reason(&mut errors, "reasons");
            match (outcome, reasons) {
                (Some(outcome), Some(reasons)) if kind == ActionKind::Decide => Some(Action::Decide { outcome, reasons }),
                (Some(outcome), Some(reasons)) => Some(Action::DecideAppeal { outcome, reasons }),
                _ => None,
            }
        }
        ActionKind::Notify => choice(&mut errors, tr, "method", get("method")).map(|method| Action::Notify { method }),
        ActionKind::NotifyAppealDecision => choice(&mut errors, tr, "method", get("method")).map(|method| Action::NotifyAppealDecision { method }),
        ActionKind::LodgeAppeal => {
            let grounds = reason(&mut errors, "grounds");
            let late_reason = if get("late_reason").is_empty() { Ok(None) } else { Reason::parse(get("late_reason")).map(Some) };
            if let Err(e) = &late_reason {
                errors.push(("late_reason".into(), text_error(tr, e)));
            }
            match (grounds, late_reason) {
                (Some(grounds), Ok(late_reason)) => Some(Action::LodgeAppeal { grounds, late_reason }),
                _ => None,
            }
        }
        ActionKind::Finalise => Some(Action::Finalise),
        ActionKind::Withdraw => reason(&mut errors, "reason").map(|reason| Action::Withdraw { reason }),
        ActionKind::Close => {
            let closure = choice(&mut errors, tr, "closure", get("closure"));
            let r = reason(&mut errors, "reason");
            closure.zip(r).map(|(closure, reason)| Action::Close { closure, reason })
        }
        ActionKind::Reopen => reason(&mut errors, "reason").map(|reason| Action::Reopen { reason }),
        ActionKind::ChangeTrack => {
            let to = choice(&mut errors, tr, "to", get("to"));
            let r = reason(&mut errors, "reason");
            to.zip(r).map(|(to, reason)| Action::ChangeTrack { to, reason })
        }
        ActionKind::Cease => {
            let clause = choice(&mut errors, tr, "clause", get("clause"));
            let r = reason(&mut errors, "reasons");
            clause.zip(r).map(|(clause, reasons)| Action::Cease { clause, reasons })
        }
        ActionKind::Cancel => reason(&mut errors, "reasons").map(|reasons| Action::Cancel { reasons }),
        ActionKind::Revoke => {
            let clause = choice(&mut errors, tr, "clause", get("clause"));
            let r = reason(&mut errors, "reasons");
            clause.zip(r).map(|(clause, reasons)| Action::Revoke { clause, reasons })
        }
        ActionKind::RecognisePrimaFacie => {
            errors.push(("action".into(), tr.t("claim-prima-facie-api")));
            None
        }
    };
    let note = match kind {
        ActionKind::RecordInterview => Some(get("notes").to_string()),
        ActionKind::Review => Some(get("note").to_string()).filter(|x| !x.is_empty()),
        _ => None,
    };
    match action {
        Some(a) if errors.is_empty() => Ok((a, note)),
        _ => Err(errors),
    }
}

async fn claim_action(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(form): Form<Vec<(String, String)>>) -> Response {
    let tr = Tr::new(pr.locale);
    let values: HashMap<String, String> = form.into_iter().filter(|(k, _)| k != "csrf").collect();
    let raw_kind = values.get("action").cloned().unwrap_or_default();
    let rerender = |posted: Posted, status: StatusCode| {
        let s = s.clone();
        let pr = pr.clone();
        let id = id.clone();
        async move {
            match build_claim_page(&s, &pr, &id, posted).await {
                Ok(p) => with_status(render(&p), status),
                Err(e) => page_error_in(pr.locale, e),
            }
        }
    };
    let Some(kind) = from_code::<ActionKind>(&raw_kind) else {
        return rerender(Posted { alert: tr.t1("claim-unknown-action", "action", &raw_kind), ..Default::default() }, StatusCode::BAD_REQUEST).await;
    };
    let Some(version) = values.get("version").and_then(|v| v.trim().parse::<i64>().ok()) else {
        return rerender(Posted { alert: tr.t("claim-form-incomplete"), ..Default::default() }, StatusCode::BAD_REQUEST).await;
    };
    let (action, note) = match parse_action(kind, &values, &tr) {
        Ok(x) => x,
        Err(errors) => {
            let alert = tr.t("rsd-form-errors");
            return rerender(Posted { action: Some((raw_kind, PostedForm { values, errors })), alert, ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match take_step(&s, &pr, &id, version, action, note.as_deref()).await {
        Ok(c) => see_other(&format!("/claims/{}#timeline", c.id)),
        Err(ApiError::Store(StoreError::NotFound { .. })) => page_error_in(pr.locale, crate::api::not_found("claim", &id)),
        Err(e) => {
            let (status, detail) = e.parts();
            // A note refused as a reason belongs to the note's field.
            let errors: Vec<(String, String)> = detail
                .fields
                .iter()
                .map(|f| {
                    let field = if f.field == "reason" { if kind == ActionKind::RecordInterview { "notes" } else { "note" } } else { f.field.as_str() };
                    (field.to_string(), f.message.clone())
                })
                .collect();
            let alert = if errors.is_empty() { detail.message } else { tr.t("rsd-form-errors") };
            rerender(Posted { action: Some((raw_kind, PostedForm { values, errors })), alert, ..Default::default() }, status).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lodging a claim from the person page

async fn lodge_claim(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(form): Form<Vec<(String, String)>>) -> Response {
    let tr = Tr::new(pr.locale);
    let values: HashMap<String, String> = form.into_iter().filter(|(k, _)| k != "csrf").collect();
    let track_raw = values.get("track").map(|x| x.trim()).unwrap_or("");
    let note = values.get("note").map(|x| x.trim()).filter(|x| !x.is_empty());
    let result: Result<(), String> = match from_code::<Track>(track_raw) {
        None => Err(tr.t(if track_raw.is_empty() { "rsd-err-choose" } else { "rsd-err-choice" })),
        Some(track) => match lodge(&s, &pr, &id, track, note).await {
            Ok(c) => return see_other(&format!("/claims/{}", c.id)),
            Err(ApiError::Store(StoreError::NotFound { .. })) => return page_error_in(pr.locale, crate::api::not_found("person", &id)),
            Err(e) => Err(e.parts().1.message),
        },
    };
    let error = result.err().unwrap_or_default();
    match crate::pages::person_page(&s, &pr, &id, Some((values, error))).await {
        Ok(p) => with_status(render(&p), StatusCode::UNPROCESSABLE_ENTITY),
        Err(e) => page_error_in(pr.locale, e),
    }
}

// ---------------------------------------------------------------------------------------------
// The structured assessment (Art. 1)

fn assess_defaults(citizenship: &Citizenship, cessation: bool) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let set = |v: &mut HashMap<String, String>, k: &str, x: &str| {
        v.insert(k.to_string(), x.to_string());
    };
    match citizenship {
        Citizenship::Countries(cs) => {
            set(&mut v, "nat_kind", "nationals");
            for (i, c) in cs.iter().take(2).enumerate() {
                set(&mut v, &format!("c{i}_country"), c.as_str());
            }
        }
        Citizenship::Stateless => set(&mut v, "nat_kind", "stateless"),
        Citizenship::Undetermined => set(&mut v, "nat_kind", "nationals"),
    }
    for p in ["c0", "c1"] {
        set(&mut v, &format!("{p}_outside"), "on");
        set(&mut v, &format!("{p}_effective"), "on");
    }
    if cessation {
        set(&mut v, "review", "on");
    }
    v
}

fn assess_form(values: HashMap<String, String>, errors: Vec<(String, String)>, profile: &JurisdictionProfile) -> AssessForm {
    let oau = profile.applies(RegionalInstrument::OauConvention1969);
    let cartagena = profile.applies(RegionalInstrument::CartagenaDeclaration1984);
    AssessForm {
        values,
        errors,
        countries: vec!["c0", "c1"],
        allegations: vec!["f0", "f1"],
        regional: oau || cartagena,
        oau,
        cartagena,
        geo_limitation: profile.geographic_limitation,
        jurisdiction: format!("{} ({})", profile.country.name(), profile.country),
    }
}

/// Builds the facts document (docs/assess/facts.schema.json) from the form, or the field errors.
/// Returns the facts and, for mapping the engine's field paths back, the form prefix of each
/// country entry and of each allegation.
fn facts_from_form(v: &FormValues, tr: &Tr) -> Result<BuiltFacts, FieldErrs> {
    let get = |k: &str| v.get(k).map(|x| x.trim()).unwrap_or("");
    let on = |k: &str| !get(k).is_empty();
    let mut errors = FieldErrors { list: Vec::new(), tr };
    let iso = |errors: &mut FieldErrors, field: &str, raw: &str| -> Option<Iso3> {
        match Iso3::parse(raw) {
            Ok(c) => Some(c),
            Err(_) => {
                errors.add(field.to_string(), if raw.is_empty() { "rsd-err-required" } else { "rsd-err-country" });
                None
            }
        }
    };
    let review = on("review");
    let stateless = get("nat_kind") == "stateless";
    let mut refs = Vec::new();
    let mut prefixes = Vec::new();
    for p in ["c0", "c1"] {
        let raw = get(&format!("{p}_country"));
        if p == "c1" && raw.is_empty() {
            continue;
        }
        if let Some(c) = iso(&mut errors, &format!("{p}_country"), raw) {
            refs.push(c);
            prefixes.push(p);
        }
    }
    let nationality = if stateless {
        json!({"kind": "stateless", "former_habitual_residence": refs})
    } else {
        json!({"kind": "nationals", "countries": refs})
    };
    let mut countries = Vec::new();
    if !review {
        for (p, c) in prefixes.iter().zip(&refs) {
            let k = |n: &str| format!("{p}_{n}");
            let mut harms = Vec::new();
            for h in HARMS {
                let sev = get(&k(&format!("harm_{h}")));
                if sev.is_empty() {
                    continue;
                }
                if !SEVERITIES.contains(&sev) {
                    errors.add(k(&format!("harm_{h}")), "rsd-err-choice");
                    continue;
                }
                let mut harm = json!({"kind": h, "severity": sev});
                if *h == "prosecution" {
                    harm["prosecution"] = json!({
                        "law_contrary_to_human_rights": on(&k("pros_law")),
                        "punishment_excessive_or_discriminatory": on(&k("pros_punishment")),
                    });
                }
                harms.push(harm);
            }
            let actor = match get(&k("actor")) {
                "" => Value::Null,
                "state" => json!({"kind": "state"}),
                "non_state" => match get(&k("protection")) {
                    x if PROTECTIONS.contains(&x) => json!({"kind": "non_state", "state_protection": x}),
                    x => {
                        errors.add(k("protection"), if x.is_empty() { "rsd-err-choose" } else { "rsd-err-choice" });
                        Value::Null
                    }
                },
                _ => {
                    errors.add(k("actor"), "rsd-err-choice");
                    Value::Null
                }
            };
            if !harms.is_empty() && actor.is_null() && !errors.has(&k("protection")) {
                errors.add(k("actor"), "rsd-err-actor");
            }
            let mut grounds = Vec::new();
            for g in GROUNDS {
                if !on(&k(&format!("ground_{g}"))) {
                    continue;
                }
                let mut link = json!({
                    "ground": g,
                    "imputed": on(&k(&format!("imputed_{g}"))),
                    "via": if on(&k(&format!("via_{g}"))) { "state_failure_to_protect" } else { "persecutor" },
                });
                if *g == "particular_social_group" {
                    let d = get(&k("psg_description"));
                    if d.is_empty() {
                        errors.add(k("psg_description"), "rsd-err-psg");
                    }
                    link["social_group"] = json!({
                        "description": d,
                        "protected_characteristic": on(&k("psg_protected")),
                        "socially_perceived": on(&k("psg_perceived")),
                        "defined_solely_by_persecution": on(&k("psg_solely")),
                    });
                }
                grounds.push(link);
            }
            let likelihood = get(&k("likelihood"));
            if !LIKELIHOODS.contains(&likelihood) {
                errors.add(k("likelihood"), if likelihood.is_empty() { "rsd-err-choose" } else { "rsd-err-choice" });
            }
            let area = get(&k("ifa_area"));
            let ifa = if area.is_empty() {
                Value::Null
            } else {
                json!({"area": area, "accessible": on(&k("ifa_accessible")), "risk_in_area": on(&k("ifa_risk")), "unduly_harsh": on(&k("ifa_harsh"))})
            };
            let events: Vec<&str> = EVENTS.iter().copied().filter(|e| on(&k(&format!("event_{e}")))).collect();
            let regional = if events.is_empty() && !on(&k("compelled")) && !on(&k("threatened")) {
                Value::Null
            } else {
                json!({"events": events, "compelled_to_leave": on(&k("compelled")), "life_safety_or_freedom_threatened": on(&k("threatened"))})
            };
            let mut serious = serde_json::Map::new();
            for h in SERIOUS_HARMS {
                serious.insert(h.to_string(), Value::Bool(on(&k(&format!("sh_{h}")))));
            }
            let mut entry = json!({
                "country": c,
                "outside": on(&k("outside")),
                "nationality_effective": stateless || on(&k("effective")),
                "harms": harms,
                "cumulative_effect": on(&k("cumulative")),
                "actor": actor,
                "grounds": grounds,
                "fear": {
                    "subjective_fear": on(&k("subjective")),
                    "likelihood": likelihood,
                    "limited_capacity_to_express_fear": on(&k("limited_capacity")),
                    "would_conceal_to_avoid_harm": on(&k("conceal")),
                },
                "internal_relocation": ifa,
                "regional": regional,
                "serious_harm": Value::Object(serious),
            });
            match get(&k("europe")) {
                "yes" => entry["events_in_europe"] = Value::Bool(true),
                "no" => entry["events_in_europe"] = Value::Bool(false),
                _ => {}
            }
            countries.push(entry);
        }
    }
    let art_1d = if on("d_relevant") {
        let situation = get("d_situation");
        if !UNRWA.contains(&situation) {
            errors.add("d_situation".into(), if situation.is_empty() { "rsd-err-choose" } else { "rsd-err-choice" });
        }
        json!({"availed_of_unrwa": on("d_availed"), "situation": situation})
    } else {
        Value::Null
    };
    let e_country = get("e_country");
    let art_1e = if e_country.is_empty() {
        Value::Null
    } else {
        let c = iso(&mut errors, "e_country", e_country);
        json!({"country": c, "rights_of_nationals": on("e_rights"), "well_founded_fear_there": on("e_fear")})
    };
    let mut exclusion = Vec::new();
    let mut allegation_prefixes = Vec::new();
    for p in ["f0", "f1"] {
        let k = |n: &str| format!("{p}_{n}");
        let clause = get(&k("clause"));
        if clause.is_empty() {
            continue;
        }
        if !CLAUSES_1F.contains(&clause) {
            errors.add(k("clause"), "rsd-err-choice");
            continue;
        }
        let description = get(&k("description"));
        if description.is_empty() {
            errors.add(k("description"), "rsd-err-required");
        }
        let mut a = json!({
            "clause": clause,
            "description": description,
            "serious_reasons_for_considering": on(&k("serious_reasons")),
            "individual_responsibility": on(&k("individual")),
            "defences": DEFENCES.iter().filter(|d| on(&k(&format!("defence_{d}")))).collect::<Vec<_>>(),
        });
        if clause == "1F(a)" {
            let crime = get(&k("crime"));
            if !CRIMES.contains(&crime) {
                errors.add(k("crime"), if crime.is_empty() { "rsd-err-choose" } else { "rsd-err-choice" });
            }
            a["crime"] = json!(crime);
        }
        if clause == "1F(b)" {
            a["serious_crime"] = json!({
                "serious": on(&k("crime_serious")),
                "non_political": on(&k("crime_non_political")),
                "outside_country_of_refuge_before_admission": on(&k("crime_outside")),
            });
        }
        exclusion.push(a);
        allegation_prefixes.push(p);
    }
    let cessation = if review {
        let reavail = if on("cr_reavail") {
            json!({"voluntary": on("cr_voluntary"), "intention": on("cr_intention"), "protection_obtained": on("cr_obtained")})
        } else {
            Value::Null
        };
        let change = if on("cr_change") {
            json!({"fundamental": on("cr_fundamental"), "durable": on("cr_durable"), "effective_protection_available": on("cr_effective")})
        } else {
            Value::Null
        };
        json!({
            "reavailment": reavail,
            "reacquired_nationality_voluntarily": on("cr_reacquired"),
            "new_nationality_with_protection": on("cr_new_nationality"),
            "reestablished_voluntarily": on("cr_reestablished"),
            "change_of_circumstances": change,
            "compelling_reasons": on("cr_compelling"),
        })
    } else {
        Value::Null
    };
    let note = get("note");
    let mut facts = json!({
        "nationality": nationality,
        "countries": countries,
        "art_1d": art_1d,
        "art_1e": art_1e,
        "exclusion": exclusion,
        "cessation": cessation,
    });
    if !note.is_empty() {
        facts["note"] = json!(note);
    }
    // Absent rather than null, as the facts files write them.
    if let Value::Object(m) = &mut facts {
        m.retain(|_, x| !x.is_null());
        if let Some(Value::Array(cs)) = m.get_mut("countries") {
            for c in cs {
                if let Value::Object(cm) = c {
                    cm.retain(|_, x| !x.is_null());
                }
            }
        }
    }
    if errors.list.is_empty() {
        Ok(BuiltFacts { facts, countries: prefixes, allegations: allegation_prefixes })
    } else {
        Err(errors.list)
    }
}

/// A facts document built from the form, with the form prefix of each country entry and of each
/// allegation (to map the engine's field paths back to the form).
#[derive(Debug)]
struct BuiltFacts {
    facts: Value,
    countries: Vec<&'static str>,
    allegations: Vec<&'static str>,
}

/// Field errors being collected, with translated messages.
struct FieldErrors<'a> {
    list: Vec<(String, String)>,
    tr: &'a Tr,
}

impl FieldErrors<'_> {
    fn add(&mut self, field: String, key: &str) {
        self.list.push((field, self.tr.t(key)));
    }
    fn has(&self, field: &str) -> bool {
        self.list.iter().any(|(f, _)| f == field)
    }
}

/// The form's values for a recorded facts document (the inverse of [`facts_from_form`]), so that a
/// reassessment starts from what was found before.
fn form_from_facts(f: &Value) -> FormValues {
    let mut v = FormValues::new();
    let mut set = |k: String, x: &str| {
        if !x.is_empty() {
            v.insert(k, x.to_string());
        }
    };
    let on = |x: &Value| if x.as_bool() == Some(true) { "on" } else { "" };
    let text = |x: &Value| x.as_str().unwrap_or_default().to_string();
    set("note".into(), &text(&f["note"]));
    let nat = &f["nationality"];
    let stateless = nat["kind"] == "stateless";
    set("nat_kind".into(), if stateless { "stateless" } else { "nationals" });
    let refs: Vec<String> = nat[if stateless { "former_habitual_residence" } else { "countries" }].as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default();
    for (p, c) in ["c0", "c1"].iter().zip(&refs) {
        set(format!("{p}_country"), c);
        let Some(e) = f["countries"].as_array().and_then(|a| a.iter().find(|x| x["country"] == c.as_str())) else { continue };
        let k = |n: &str| format!("{p}_{n}");
        set(k("outside"), on(&e["outside"]));
        set(k("effective"), if e["nationality_effective"] == false { "" } else { "on" });
        for h in e["harms"].as_array().into_iter().flatten() {
            set(k(&format!("harm_{}", text(&h["kind"]))), &text(&h["severity"]));
            if h["kind"] == "prosecution" {
                set(k("pros_law"), on(&h["prosecution"]["law_contrary_to_human_rights"]));
                set(k("pros_punishment"), on(&h["prosecution"]["punishment_excessive_or_discriminatory"]));
            }
        }
        set(k("cumulative"), on(&e["cumulative_effect"]));
        set(k("actor"), &text(&e["actor"]["kind"]));
        set(k("protection"), &text(&e["actor"]["state_protection"]));
        for g in e["grounds"].as_array().into_iter().flatten() {
            let name = text(&g["ground"]);
            set(k(&format!("ground_{name}")), "on");
            set(k(&format!("imputed_{name}")), on(&g["imputed"]));
            set(k(&format!("via_{name}")), if g["via"] == "state_failure_to_protect" { "on" } else { "" });
            let sg = &g["social_group"];
            if sg.is_object() {
                set(k("psg_description"), &text(&sg["description"]));
                set(k("psg_protected"), on(&sg["protected_characteristic"]));
                set(k("psg_perceived"), on(&sg["socially_perceived"]));
                set(k("psg_solely"), on(&sg["defined_solely_by_persecution"]));
            }
        }
        let fear = &e["fear"];
        set(k("subjective"), on(&fear["subjective_fear"]));
        set(k("likelihood"), &text(&fear["likelihood"]));
        set(k("limited_capacity"), on(&fear["limited_capacity_to_express_fear"]));
        set(k("conceal"), on(&fear["would_conceal_to_avoid_harm"]));
        let ifa = &e["internal_relocation"];
        set(k("ifa_area"), &text(&ifa["area"]));
        set(k("ifa_accessible"), on(&ifa["accessible"]));
        set(k("ifa_risk"), on(&ifa["risk_in_area"]));
        set(k("ifa_harsh"), on(&ifa["unduly_harsh"]));
        let r = &e["regional"];
        for ev in r["events"].as_array().into_iter().flatten() {
            set(k(&format!("event_{}", text(ev))), "on");
        }
        set(k("compelled"), on(&r["compelled_to_leave"]));
        set(k("threatened"), on(&r["life_safety_or_freedom_threatened"]));
        for h in SERIOUS_HARMS {
            set(k(&format!("sh_{h}")), on(&e["serious_harm"][*h]));
        }
        match e["events_in_europe"].as_bool() {
            Some(true) => set(k("europe"), "yes"),
            Some(false) => set(k("europe"), "no"),
            None => {}
        }
    }
    let d = &f["art_1d"];
    if d.is_object() {
        set("d_relevant".into(), "on");
        set("d_availed".into(), on(&d["availed_of_unrwa"]));
        set("d_situation".into(), &text(&d["situation"]));
    }
    let e = &f["art_1e"];
    if e.is_object() {
        set("e_country".into(), &text(&e["country"]));
        set("e_rights".into(), on(&e["rights_of_nationals"]));
        set("e_fear".into(), on(&e["well_founded_fear_there"]));
    }
    for (p, a) in ["f0", "f1"].iter().zip(f["exclusion"].as_array().into_iter().flatten()) {
        let k = |n: &str| format!("{p}_{n}");
        set(k("clause"), &text(&a["clause"]));
        set(k("description"), &text(&a["description"]));
        set(k("serious_reasons"), on(&a["serious_reasons_for_considering"]));
        set(k("individual"), on(&a["individual_responsibility"]));
        set(k("crime"), &text(&a["crime"]));
        for d in a["defences"].as_array().into_iter().flatten() {
            set(k(&format!("defence_{}", text(d))), "on");
        }
        let sc = &a["serious_crime"];
        set(k("crime_serious"), on(&sc["serious"]));
        set(k("crime_non_political"), on(&sc["non_political"]));
        set(k("crime_outside"), on(&sc["outside_country_of_refuge_before_admission"]));
    }
    let c = &f["cessation"];
    if c.is_object() {
        set("review".into(), "on");
        let r = &c["reavailment"];
        if r.is_object() {
            set("cr_reavail".into(), "on");
            set("cr_voluntary".into(), on(&r["voluntary"]));
            set("cr_intention".into(), on(&r["intention"]));
            set("cr_obtained".into(), on(&r["protection_obtained"]));
        }
        set("cr_reacquired".into(), on(&c["reacquired_nationality_voluntarily"]));
        set("cr_new_nationality".into(), on(&c["new_nationality_with_protection"]));
        set("cr_reestablished".into(), on(&c["reestablished_voluntarily"]));
        let ch = &c["change_of_circumstances"];
        if ch.is_object() {
            set("cr_change".into(), "on");
            set("cr_fundamental".into(), on(&ch["fundamental"]));
            set("cr_durable".into(), on(&ch["durable"]));
            set("cr_effective".into(), on(&ch["effective_protection_available"]));
        }
        set("cr_compelling".into(), on(&c["compelling_reasons"]));
    }
    v
}

/// The form field of an engine field path (`facts.countries[0].actor` → `c0_actor`).
fn form_field(path: &str, countries: &[&str], allegations: &[&str]) -> String {
    let path = path.trim_start_matches("facts.");
    let index = |rest: &str| -> Option<(usize, String)> {
        let (i, tail) = rest.split_once(']')?;
        Some((i.parse().ok()?, tail.trim_start_matches('.').to_string()))
    };
    if let Some(rest) = path.strip_prefix("countries[") {
        if let Some((i, tail)) = index(rest) {
            let p = countries.get(i).copied().unwrap_or("c0");
            let field = if tail.starts_with("harms") {
                "harm_prosecution"
            } else if tail.starts_with("grounds") {
                "psg_description"
            } else if tail.starts_with("fear") {
                "likelihood"
            } else {
                tail.split('.').next().unwrap_or("country")
            };
            return format!("{p}_{field}");
        }
    }
    if let Some(rest) = path.strip_prefix("exclusion[") {
        if let Some((i, tail)) = index(rest) {
            let p = allegations.get(i).copied().unwrap_or("f0");
            let field = if tail.starts_with("serious_crime") { "crime_serious" } else { tail.split('.').next().unwrap_or("clause") };
            return format!("{p}_{field}");
        }
    }
    if path.starts_with("nationality") || path == "countries" {
        return "c0_country".into();
    }
    path.to_string()
}

async fn claim_assessment(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(form): Form<Vec<(String, String)>>) -> Response {
    let tr = Tr::new(pr.locale);
    let values: HashMap<String, String> = form.into_iter().filter(|(k, _)| k != "csrf").collect();
    let preview = values.get("intent").map(String::as_str) == Some("preview");
    let claim = match load_claim(&s, &pr, &id).await {
        Ok(c) => c,
        Err(e) => return page_error_in(pr.locale, e),
    };
    let rerender = |posted: Posted, status: StatusCode| {
        let s = s.clone();
        let pr = pr.clone();
        let id = id.clone();
        async move {
            match build_claim_page(&s, &pr, &id, posted).await {
                Ok(p) => with_status(render(&p), status),
                Err(e) => page_error_in(pr.locale, e),
            }
        }
    };
    let BuiltFacts { facts, countries, allegations } = match facts_from_form(&values, &tr) {
        Ok(x) => x,
        Err(errors) => {
            return rerender(Posted { assess: Some(PostedForm { values, errors }), alert: tr.t("rsd-form-errors"), ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let outcome = if preview {
        match claim_jurisdiction(&s, &claim).await {
            Ok(profile) => run_assessment(&facts, &profile).map(|result| Some((result, facts.clone()))),
            Err(e) => Err(e),
        }
    } else {
        record_claim_assessment(&s, &pr, &claim, facts.clone()).await.map(|_| None)
    };
    match outcome {
        Ok(None) => see_other(&format!("/claims/{}#assessment", claim.id)),
        Ok(Some(preview)) => rerender(Posted { assess: Some(PostedForm { values, errors: Vec::new() }), preview: Some(preview), ..Default::default() }, StatusCode::OK).await,
        Err(e) => {
            let (status, detail) = e.parts();
            let errors: Vec<(String, String)> = detail.fields.iter().map(|f| (form_field(&f.field, &countries, &allegations), f.message.clone())).collect();
            let alert = if errors.is_empty() { detail.message } else { tr.t("rsd-form-errors") };
            rerender(Posted { assess: Some(PostedForm { values, errors }), alert, ..Default::default() }, status).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The decision letter

#[derive(Deserialize)]
struct LetterQuery {
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    chrome: Chrome,
    /// The letter's language.
    l: Tr,
    lang: &'static str,
    dir: &'static str,
    language_name: String,
    in_applicant_language: bool,
    languages: Vec<(&'static str, &'static str, bool)>,
    id: String,
    person: PersonName,
    case_number: String,
    office: String,
    country: String,
    date: String,
    on_appeal: bool,
    outcome_code: String,
    outcome: String,
    decided_on: String,
    reasons: String,
    basis: String,
    citations: Vec<String>,
    adverse: bool,
    appeal_days: u32,
    appeal_deadline: String,
    appeal_lodged: bool,
    final_decision: bool,
}

/// The language of an ISO 639-1 or 639-3 code, when Nansen speaks it.
fn locale_of_language(code: &str) -> Option<Locale> {
    let c = code.trim().to_ascii_lowercase();
    let two = match c.as_str() {
        "eng" => "en",
        "fra" | "fre" => "fr",
        "ara" | "arb" | "apc" | "ajp" | "acm" | "arz" | "ary" | "apd" => "ar",
        "spa" => "es",
        "zho" | "chi" | "cmn" | "yue" => "zh",
        "kor" => "ko",
        other => other,
    };
    Locale::parse(two).filter(|l| l.code() == two)
}

async fn letter(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Query(q): Query<LetterQuery>) -> Response {
    let r: Result<Response, ApiError> = async {
        let chrome = Chrome::of(&pr);
        let claim = load_claim(&s, &pr, &id).await?;
        let person = load_person(&s, &pr, &claim.person_id.to_string()).await?;
        let state = &claim.state;
        let Some(outcome) = state.outcome() else {
            return Err(ApiError::Store(StoreError::Rule { code: "no_decision", message: chrome.t("letter-no-decision") }));
        };
        // The applicant's languages that Nansen speaks; the one asked for, else the first of them,
        // else the user's.
        let applicant: Vec<Locale> = person.details.languages.iter().filter_map(|l| locale_of_language(l.as_str())).collect();
        let asked = q.lang.as_deref().and_then(Locale::parse);
        let locale = asked.or_else(|| applicant.first().copied()).unwrap_or(pr.locale);
        let l = Tr::new(locale);
        let household = load_household(&s, &pr, &person.household_id.to_string()).await.ok();
        let op = s.store.operation(claim.operation_id).await?;
        let events = s.store.history(EntityKind::Claim, claim.id.as_uuid()).await?;
        // The decision in force: the last decision step (first instance or appeal), with its reasons.
        let decision = events.iter().rev().find(|e| matches!(e.data["action"]["action"].as_str(), Some("decide") | Some("decide_appeal") | Some("recognise_prima_facie")));
        let on_appeal = decision.is_some_and(|e| e.data["action"]["action"] == "decide_appeal");
        let reasons = match state.stage() {
            Stage::Decided { reasons, .. } | Stage::AppealDecided { reasons, .. } => reasons.to_string(),
            _ => decision
                .and_then(|e| e.data["action"]["reasons"].as_str().map(str::to_owned).or_else(|| e.reason.clone()))
                .unwrap_or_default(),
        };
        let decided_on = decision.map(|e| l.date(e.at.date_naive())).unwrap_or_default();
        // The legal basis: the latest assessment's, else the article the outcome rests on.
        let assessments = s.store.assessments(claim.id).await?;
        let latest = assessments.last().and_then(|a| serde_json::from_value::<Assessment>(a.result.clone()).ok());
        let agrees = latest.as_ref().is_some_and(|a| a.recommendation.claim_outcome() == Some(outcome));
        let (basis, citations) = match latest.filter(|_| agrees) {
            Some(a) => {
                let mut cites: Vec<String> = Vec::new();
                for r in a.reasons.iter().filter(|r| r.finding != nansen_domain::convention::assessment::Finding::NotApplicable) {
                    let c = r.citation.to_string();
                    if !cites.contains(&c) {
                        cites.push(c);
                    }
                }
                (basis_text(&l, &a.basis), cites)
            }
            None => (tcode(&l, "letter-basis", &code(&outcome)), Vec::new()),
        };
        let rules = ProcedureRules::default();
        let appeal_days = if state.track() == Track::Accelerated { rules.accelerated_appeal_window_days } else { rules.appeal_window_days };
        let appeal_deadline = match state.stage() {
            Stage::Notified { appeal_deadline: Some(d), .. } => l.date(*d),
            _ => String::new(),
        };
        let page = LetterPage {
            lang: locale.code(),
            dir: locale.dir(),
            language_name: locale.native_name().to_string(),
            in_applicant_language: applicant.contains(&locale),
            languages: Locale::ALL.iter().map(|x| (x.code(), x.native_name(), *x == locale)).collect(),
            id: claim.id.to_string(),
            person: PersonName::of(&person),
            case_number: household.map(|h| h.household.case_number.to_string()).unwrap_or_default(),
            office: op.as_ref().map(|o| o.name.to_string()).unwrap_or_default(),
            country: op.as_ref().map(|o| o.country.name().to_string()).unwrap_or_default(),
            date: l.date(s.now().date_naive()),
            on_appeal,
            outcome_code: code(&outcome),
            outcome: tcode(&l, "letter-outcome", &code(&outcome)),
            decided_on,
            reasons,
            basis,
            citations,
            adverse: outcome.is_adverse(),
            appeal_days,
            appeal_deadline,
            appeal_lodged: matches!(state.stage(), Stage::AppealLodged { .. }),
            final_decision: on_appeal || matches!(state.stage(), Stage::Final { .. }),
            l,
            chrome,
        };
        Ok(render(&page))
    }
    .await;
    r.unwrap_or_else(|e| page_error_in(pr.locale, e))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Every code the pages translate through a prefix has a message (the i18n tests check that
    /// every language has the same keys as English).
    #[test]
    fn every_code_has_a_message() {
        let tr = Tr::new(Locale::En);
        let mut keys: Vec<String> = Vec::new();
        let mut add = |prefix: &str, codes: Vec<String>| keys.extend(codes.iter().map(|c| format!("{prefix}-{}", key_part(c))));
        add("stage", StageKind::ALL.iter().map(code).collect());
        add("action", ActionKind::ALL.iter().map(code).collect());
        add("act-do", ActionKind::ALL.iter().map(code).collect());
        add("act-hint", ActionKind::ALL.iter().map(code).collect());
        add("outcome", OUTCOMES.iter().map(code).collect());
        add("letter-outcome", OUTCOMES.iter().map(code).collect());
        add("letter-basis", OUTCOMES.iter().map(code).collect());
        add("notice", NOTICES.iter().map(code).collect());
        add("closure", CLOSURES.iter().map(code).collect());
        add("track", TRACKS.iter().map(code).collect());
        add("cessation", CESSATION.iter().map(code).collect());
        add("revocation", REVOCATION.iter().map(code).collect());
        add("rec", ["recognised", "complementary_protection", "rejected", "excluded", "ceased"].iter().map(|x| x.to_string()).collect());
        add(
            "prole",
            ["registration_clerk", "eligibility_officer", "supervisor", "appeal_officer", "senior_protection_officer"].iter().map(|x| x.to_string()).collect(),
        );
        add(
            "deadline",
            ["registration", "interview_scheduling", "interview", "assessment", "review", "decision", "notification", "appeal_window", "appeal_decision", "reopening"]
                .iter()
                .map(|x| x.to_string())
                .collect(),
        );
        add(
            "basis",
            ["convention_1a2", "convention_1d2", "unhcr_mandate", "oau_article_i2", "cartagena_iii3", "complementary", "compelling_reasons", "status_continues", "criteria_not_met"]
                .iter()
                .map(|x| x.to_string())
                .collect(),
        );
        add(
            "step",
            [
                "cessation",
                "art_1d",
                "nationality",
                "outside_country",
                "persecution",
                "state_protection",
                "nexus",
                "well_founded_fear",
                "internal_relocation",
                "geographic_limitation",
                "regional_oau",
                "regional_cartagena",
                "art_1e",
                "art_1f",
                "complementary_protection",
                "conclusion",
            ]
            .iter()
            .map(|x| x.to_string())
            .collect(),
        );
        add("finding", ["met", "not_met", "not_applicable"].iter().map(|x| x.to_string()).collect());
        add("bar", ["cat_article_3", "iccpr_article_7"].iter().map(|x| x.to_string()).collect());
        for (prefix, codes) in [
            ("harm", HARMS),
            ("severity", SEVERITIES),
            ("ground", GROUNDS),
            ("likelihood", LIKELIHOODS),
            ("protection", PROTECTIONS),
            ("event", EVENTS),
            ("unrwa", UNRWA),
            ("clause1f", CLAUSES_1F),
            ("crime", CRIMES),
            ("defence", DEFENCES),
            ("sharm", SERIOUS_HARMS),
        ] {
            add(prefix, codes.iter().map(|x| x.to_string()).collect());
        }
        add(
            "stepfield",
            ["outcome", "recommendation", "method", "closure", "to", "clause", "reasons", "notes", "note", "grounds", "reason", "late_reason"].iter().map(|x| x.to_string()).collect(),
        );
        // the home page's queues: a title and a hint each
        for q in ["queue-to-register", "queue-awaiting-interview", "queue-to-assess", "queue-to-review", "queue-to-decide", "queue-to-notify", "queue-appeals"] {
            keys.push(q.to_string());
            keys.push(format!("{q}-hint"));
        }
        for (_, names) in CHECKS {
            keys.extend(names.iter().map(|n| format!("af-{n}")));
        }
        for k in &keys {
            assert_ne!(tr.t(k), *k, "no English message for {k}");
        }
        assert!(keys.len() > 150);
    }

    #[test]
    fn codes_become_message_keys() {
        assert_eq!(code(&CessationClause::CircumstancesCeasedNational), "1C(5)");
        assert_eq!(key_part("1C(5)"), "1C5");
        assert_eq!(code(&StageKind::InterviewScheduled), "interview_scheduled");
        for k in ActionKind::ALL {
            assert_eq!(static_code(k), code(&k));
        }
    }

    #[test]
    fn applicant_languages_map_to_interface_languages() {
        assert_eq!(locale_of_language("fr"), Some(Locale::Fr));
        assert_eq!(locale_of_language("ara"), Some(Locale::Ar));
        assert_eq!(locale_of_language("prs"), None);
        assert_eq!(locale_of_language("ko"), Some(Locale::Ko));
    }

    /// Every documented facts file, put into the form and read back, is assessed exactly as the
    /// file itself: the form can express what the engine needs.
    #[test]
    fn the_assessment_form_round_trips_the_documented_examples() {
        let tr = Tr::new(Locale::En);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assess/examples");
        let mut n = 0;
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = e.path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".json") || name.ends_with(".expected.json") {
                continue;
            }
            let original: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let expected: Value = serde_json::from_str(&std::fs::read_to_string(path.with_extension("expected.json")).unwrap()).unwrap();
            let profile = nansen_domain::convention::profile_for(Iso3::parse(expected["jurisdiction"].as_str().unwrap()).unwrap());
            let run = |facts: &Value| {
                let parsed: nansen_domain::convention::assessment::Facts = serde_json::from_value(facts.clone()).unwrap_or_else(|e| panic!("{name}: {e}: {facts}"));
                nansen_domain::convention::assessment::assess(&parsed.check().unwrap(), &profile)
            };
            let form = form_from_facts(&original);
            let back = facts_from_form(&form, &tr).unwrap_or_else(|e| panic!("{name}: {e:?}")).facts;
            let (a, b) = (run(&original), run(&back));
            assert_eq!(code(&b.recommendation), expected["recommendation"].as_str().unwrap(), "{name}");
            assert_eq!(a.recommendation, b.recommendation, "{name}");
            assert_eq!(a.basis, b.basis, "{name}");
            assert_eq!(a.reasons, b.reasons, "{name}: the same reasons");
            assert_eq!(form_from_facts(&back), form, "{name}: the form is stable");
            n += 1;
        }
        assert!(n >= 10, "only {n} examples found");
    }

    #[test]
    fn the_assessment_form_builds_the_facts_file_format() {
        let tr = Tr::new(Locale::En);
        let mut v = HashMap::new();
        for (k, x) in [
            ("nat_kind", "nationals"),
            ("c0_country", "SYR"),
            ("c0_outside", "on"),
            ("c0_effective", "on"),
            ("c0_harm_arbitrary_detention", "serious"),
            ("c0_harm_torture", "serious"),
            ("c0_actor", "state"),
            ("c0_ground_political_opinion", "on"),
            ("c0_subjective", "on"),
            ("c0_likelihood", "more_likely_than_not"),
            ("c0_sh_torture", "on"),
        ] {
            v.insert(k.to_string(), x.to_string());
        }
        let BuiltFacts { facts, countries, .. } = facts_from_form(&v, &tr).unwrap();
        assert_eq!(countries, vec!["c0"]);
        let parsed: nansen_domain::convention::assessment::Facts = serde_json::from_value(facts.clone()).unwrap();
        let checked = parsed.check().unwrap();
        let a = nansen_domain::convention::assessment::assess(&checked, &nansen_domain::convention::profile_for(Iso3::parse("DEU").unwrap()));
        assert_eq!(a.recommendation, Recommendation::Recognised, "{facts}");
        // a missing likelihood and an actor-less harm are field errors
        v.remove("c0_likelihood");
        v.remove("c0_actor");
        let errors = facts_from_form(&v, &tr).unwrap_err();
        assert!(errors.iter().any(|(f, _)| f == "c0_likelihood"));
        assert!(errors.iter().any(|(f, _)| f == "c0_actor"));
        assert_eq!(form_field("facts.countries[0].actor", &["c0"], &[]), "c0_actor");
        assert_eq!(form_field("facts.exclusion[0].crime", &[], &["f1"]), "f1_crime");
    }
}
