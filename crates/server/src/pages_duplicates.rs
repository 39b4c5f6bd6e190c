//! The duplicate review pages: the queue of an operation (best score first, a page at a time, with
//! counts per status), the side-by-side comparison of a pair with the matcher's explanation, and the
//! officer's decisions (dismiss, confirm, merge, undo a merge) as plain forms.
//!
//! Decisions go through [`crate::duplicates_api::decide_on`], the API's own path; pairs are loaded
//! with [`crate::duplicates_api::load_duplicate`] and [`crate::duplicates_api::pair_persons`], so a
//! pair outside the user's operations, or naming a citizen of the State the user acts for, is the
//! same 404 as a missing one. Sensitive specific needs are hidden from roles without sensitive_read,
//! as on the person page.

use crate::auth::Principal;
use crate::duplicates_api::{decide_on, load_duplicate, pair_persons, Step};
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::pages::{page_error_in, Chrome};
use crate::pages_registration::{signed, WhyLine};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use nansen_domain::access::Permission;
use nansen_domain::{EntityKind, OperationId, PersonId};
use nansen_store::{DuplicateRecord, DuplicateStatus, Duplicates, PersonRecord, Store};
use serde::Deserialize;

/// Page routes of the review queue.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(queue))
        .route("/duplicates/{id}", get(compare))
        .route("/duplicates/{id}/dismiss", post(dismiss))
        .route("/duplicates/{id}/confirm", post(confirm))
        .route("/duplicates/{id}/merge", post(merge))
        .route("/duplicates/{id}/unmerge", post(unmerge))
}

/// Pairs per page of the queue.
pub const QUEUE_PAGE: u32 = 25;

const STATUSES: [DuplicateStatus; 4] = [DuplicateStatus::Open, DuplicateStatus::Confirmed, DuplicateStatus::Merged, DuplicateStatus::Dismissed];

fn render<T: Template>(t: &T, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response()
        }
    }
}

/// The translation of a code from a known list (`prefix-code`), else the code itself.
fn known(tr: &Tr, prefix: &str, code: &str, list: &[&str]) -> String {
    if list.contains(&code) {
        tr.t(&format!("{prefix}-{}", code.replace('_', "-")))
    } else {
        code.to_string()
    }
}

/// Where proposed duplicates come from.
pub(crate) const FOUND_BY: [&str; 2] = ["registration", "import"];
/// The events of a pair's history.
pub(crate) const PAIR_EVENTS: [&str; 5] = ["duplicate_queued", "duplicate_dismissed", "duplicate_confirmed", "person_merged", "person_unmerged"];

fn enc(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// One person of a pair in the queue.
pub struct SideLine {
    /// Identifier.
    pub id: String,
    /// Name, Latin letters.
    pub name: String,
    /// Name, original script.
    pub original: String,
    /// Date of birth.
    pub dob: Option<nansen_domain::PartialDate>,
    /// Citizenship.
    pub citizenship: String,
    /// True when merged into another record.
    pub merged: bool,
}

impl From<&PersonRecord> for SideLine {
    fn from(p: &PersonRecord) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.details.latin_full_name(),
            original: p.details.original_full_name().unwrap_or_default(),
            dob: p.details.date_of_birth,
            citizenship: p.details.citizenship.to_text(),
            merged: p.merged_into.is_some(),
        }
    }
}

/// One pair in the queue.
pub struct QueueRow {
    /// Identifier.
    pub id: String,
    /// Score as a whole percentage.
    pub percent: i64,
    /// Person A.
    pub a: SideLine,
    /// Person B.
    pub b: SideLine,
    /// Status code.
    pub status: &'static str,
    /// What found it.
    pub found_by: String,
    /// Proposed at.
    pub created_at: DateTime<Utc>,
}

/// A status filter with its count.
pub struct Tab {
    /// `open`, …, or `all`.
    pub status: &'static str,
    /// Pairs in it.
    pub count: i64,
    /// The one shown.
    pub current: bool,
    /// Its link.
    pub href: String,
}

/// The review queue page.
#[derive(Template)]
#[template(path = "duplicates.html")]
pub struct QueuePage {
    chrome: Chrome,
    operations: Vec<(String, String)>,
    operation: String,
    status: &'static str,
    tabs: Vec<Tab>,
    rows: Vec<QueueRow>,
    withheld: usize,
    showing: String,
    prev: Option<String>,
    next: Option<String>,
}

/// Queue parameters.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    operation: Option<String>,
    status: Option<String>,
    offset: Option<String>,
}

fn bad(field: &str, message: &str) -> ApiError {
    ApiError::BadQuery { field: field.into(), message: message.into() }
}

async fn queue(State(s): State<AppState>, pr: Principal, Query(q): Query<QueueQuery>) -> Response {
    match queue_page(&s, &pr, q).await {
        Ok(p) => render(&p, StatusCode::OK),
        Err(e) => page_error_in(pr.locale, e),
    }
}

async fn queue_page(s: &AppState, pr: &Principal, q: QueueQuery) -> Result<QueuePage, ApiError> {
    let mut ops: Vec<_> = s.store.operations().await?.into_iter().filter(|o| pr.user.operations.includes(o.id)).collect();
    ops.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let operations: Vec<(String, String)> = ops.iter().map(|o| (o.id.to_string(), format!("{} — {}", o.code, o.name))).collect();
    let status_text = q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("open");
    let status: Option<DuplicateStatus> = match status_text {
        "all" => None,
        t => Some(DuplicateStatus::parse(t).ok_or_else(|| bad("status", "status must be open, confirmed, merged, dismissed or all"))?),
    };
    let offset = match q.offset.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(t) => t.parse::<u32>().ok().filter(|n| *n <= 1_000_000).ok_or_else(|| bad("offset", "offset must be a whole number from 0 to 1000000"))?,
    };
    let tr = Tr::new(pr.locale);
    let mut page = QueuePage {
        chrome: Chrome::of(pr),
        operations,
        operation: String::new(),
        status: status.map(|s| s.as_str()).unwrap_or("all"),
        tabs: Vec::new(),
        rows: Vec::new(),
        withheld: 0,
        showing: String::new(),
        prev: None,
        next: None,
    };
    let op: OperationId = match q.operation.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => crate::api::operation_exists(s, pr, id).await?,
        None => match ops.first() {
            Some(o) => o.id,
            None => return Ok(page),
        },
    };
    page.operation = op.to_string();
    // The counts: one bounded query per status.
    let mut all = 0;
    let link = |st: &str, offset: u32| format!("/duplicates?operation={}&status={}&offset={offset}", enc(&op.to_string()), st);
    for st in STATUSES {
        let count = s.store.duplicates(op, pr.assigned_to(), Some(st), 1, 0).await?.total;
        all += count;
        page.tabs.push(Tab { status: st.as_str(), count, current: status == Some(st), href: link(st.as_str(), 0) });
    }
    page.tabs.push(Tab { status: "all", count: all, current: status.is_none(), href: link("all", 0) });
    let found = s.store.duplicates(op, pr.assigned_to(), status, QUEUE_PAGE, offset).await?;
    for d in &found.items {
        // Two reads per pair, bounded by the page size.
        let (Some(a), Some(b)) = (s.store.person(d.person_a).await?, s.store.person(d.person_b).await?) else { continue };
        if pr.disclosure(&a.details.citizenship, "person", "").is_err() || pr.disclosure(&b.details.citizenship, "person", "").is_err() {
            page.withheld += 1;
            continue;
        }
        page.rows.push(QueueRow {
            id: d.id.to_string(),
            percent: (d.score * 100.0).round() as i64,
            a: SideLine::from(&a),
            b: SideLine::from(&b),
            status: d.status.as_str(),
            found_by: known(&tr, "dup-found-by", &d.found_by, &FOUND_BY),
            created_at: d.created_at,
        });
    }
    if !found.items.is_empty() {
        let (first, last) = (i64::from(offset) + 1, i64::from(offset) + found.items.len() as i64);
        page.showing = tr.tn("dup-showing", &[("first", tr.number(first)), ("last", tr.number(last)), ("total", tr.number(found.total))]);
    }
    if offset > 0 {
        page.prev = Some(link(page.status, offset.saturating_sub(QUEUE_PAGE)));
    }
    if i64::from(offset) + i64::from(QUEUE_PAGE) < found.total {
        page.next = Some(link(page.status, offset + QUEUE_PAGE));
    }
    Ok(page)
}

/// One line of the side-by-side comparison.
pub struct CompareRow {
    /// What the line shows.
    pub label: String,
    /// Person A's value.
    pub a: String,
    /// Person B's value.
    pub b: String,
    /// True when the two differ (highlighted).
    pub differ: bool,
    /// True for codes and numbers (written left to right).
    pub ltr: bool,
}

/// The head of one side: who, and links.
pub struct SideHead {
    /// Identifier.
    pub id: String,
    /// Name, Latin letters.
    pub name: String,
    /// Name, original script.
    pub original: String,
    /// Household.
    pub household_id: String,
    /// Specific needs withheld from this viewer.
    pub restricted: usize,
    /// When merged: the record it leads to.
    pub merged_into: String,
}

/// A decision in the pair's history.
pub struct HistoryLine {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What, translated.
    pub kind: String,
    /// Why.
    pub reason: String,
}

/// The comparison page.
#[derive(Template)]
#[template(path = "duplicate.html")]
pub struct ComparePage {
    chrome: Chrome,
    id: String,
    operation: String,
    version: i64,
    status: &'static str,
    percent: i64,
    weight: String,
    prior: String,
    found_by: String,
    created_at: DateTime<Utc>,
    survivor: String,
    first_registered: String,
    a: SideHead,
    b: SideHead,
    rows: Vec<CompareRow>,
    why: Vec<WhyLine>,
    history: Vec<HistoryLine>,
    done: String,
    error_step: String,
    error: String,
    reason: String,
}

/// What the page shows after a decision (`?done=merge`).
#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    done: Option<String>,
}

fn doc_text(tr: &Tr, p: &PersonRecord) -> String {
    p.details
        .documents
        .iter()
        .map(|d| {
            let kind = serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let mut s = format!("{} {}", tr.t(&format!("regdoc-{kind}")), d.number);
            if let Some(c) = d.issuing_country {
                s.push_str(&format!(" ({c})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn needs_text(tr: &Tr, p: &PersonRecord, sensitive_ok: bool) -> (String, usize) {
    let shown: Vec<String> = p.details.specific_needs.iter().filter(|n| sensitive_ok || !n.is_sensitive()).map(|n| format!("{n} {}", tr.t(&format!("need-{n}")))).collect();
    let restricted = p.details.specific_needs.len() - shown.len();
    (shown.join("; "), restricted)
}

fn compare_rows(tr: &Tr, a: &(PersonRecord, String), b: &(PersonRecord, String), sensitive_ok: bool) -> (Vec<CompareRow>, usize, usize) {
    let mut rows = Vec::new();
    let mut line = |label: &str, va: String, vb: String, ltr: bool| {
        let differ = va.trim().to_lowercase() != vb.trim().to_lowercase();
        rows.push(CompareRow { label: tr.t(label), a: va, b: vb, differ, ltr });
    };
    let both = |f: &dyn Fn(&PersonRecord) -> String| (f(&a.0), f(&b.0));
    let (x, y) = both(&|p| p.details.latin_full_name());
    line("name-latin", x, y, false);
    let (x, y) = both(&|p| p.details.original_full_name().unwrap_or_default());
    line("name-own-script", x, y, false);
    let (x, y) = both(&|p| tr.t(&format!("sex-{}", p.details.sex.code())));
    line("sex", x, y, false);
    let (x, y) = both(&|p| p.details.date_of_birth.map(|d| tr.date_parts(d.day(), d.month(), d.year())).unwrap_or_default());
    line("date-of-birth", x, y, false);
    let (x, y) = both(&|p| p.details.place_of_birth.as_ref().map(|x| x.to_string()).unwrap_or_default());
    line("place-of-birth", x, y, false);
    let (x, y) = both(&|p| p.details.country_of_birth.map(|c| format!("{c} {}", c.name())).unwrap_or_default());
    line("reg-country-of-birth", x, y, false);
    let (x, y) = both(&|p| p.details.citizenship.to_text());
    line("citizenship", x, y, true);
    let (x, y) = both(&|p| p.details.languages.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "));
    line("languages", x, y, true);
    let (x, y) = both(&|p| doc_text(tr, p));
    line("documents", x, y, false);
    let (na, ra) = needs_text(tr, &a.0, sensitive_ok);
    let (nb, rb) = needs_text(tr, &b.0, sensitive_ok);
    line("specific-needs", na, nb, false);
    let (x, y) = both(&|p| tr.t(&format!("rel-{}", p.relationship.code())));
    line("relationship-label", x, y, false);
    line("case-number", a.1.clone(), b.1.clone(), true);
    let (x, y) = both(&|p| tr.datetime(p.created_at));
    line("dup-registered-at", x, y, false);
    (rows, ra, rb)
}

async fn compare_page(s: &AppState, pr: &Principal, id: &str, done: Option<&str>) -> Result<ComparePage, ApiError> {
    let d: DuplicateRecord = load_duplicate(s, pr, id).await?;
    let [a, b] = pair_persons(s, pr, &d).await?;
    let tr = Tr::new(pr.locale);
    let (rows, ra, rb) = compare_rows(&tr, &a, &b, pr.may(Permission::SensitiveRead));
    let head = |p: &(PersonRecord, String), restricted: usize| SideHead {
        id: p.0.id.to_string(),
        name: p.0.details.latin_full_name(),
        original: p.0.details.original_full_name().unwrap_or_default(),
        household_id: p.0.household_id.to_string(),
        restricted,
        merged_into: p.0.merged_into.map(|m| m.to_string()).unwrap_or_default(),
    };
    let e = &d.explanation;
    let why = e["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| WhyLine::of(&tr, f["field"].as_str().unwrap_or(""), f["level"].as_str().unwrap_or(""), f["weight"].as_f64().unwrap_or(0.0))).collect())
        .unwrap_or_default();
    let history = s
        .store
        .history(EntityKind::Duplicate, d.id.as_uuid())
        .await?
        .into_iter()
        .map(|e| HistoryLine { at: e.at, actor: e.actor.clone(), kind: known(&tr, "dup-event", e.kind.as_str(), &PAIR_EVENTS), reason: e.reason.clone().unwrap_or_default() })
        .collect();
    let first = if (a.0.created_at, a.0.id.as_uuid()) <= (b.0.created_at, b.0.id.as_uuid()) { &a.0 } else { &b.0 };
    let done = match done {
        Some(x @ ("dismiss" | "confirm" | "merge" | "unmerge")) => tr.t(&format!("dup-done-{x}")),
        _ => String::new(),
    };
    Ok(ComparePage {
        chrome: Chrome::of(pr),
        id: d.id.to_string(),
        operation: d.operation_id.to_string(),
        version: d.version,
        status: d.status.as_str(),
        percent: (d.score * 100.0).round() as i64,
        weight: e["weight"].as_f64().map(|w| signed(&tr, w)).unwrap_or_default(),
        prior: e["prior_weight"].as_f64().map(|w| signed(&tr, w)).unwrap_or_default(),
        found_by: known(&tr, "dup-found-by", &d.found_by, &FOUND_BY),
        created_at: d.created_at,
        survivor: d.survivor.map(|p| p.to_string()).unwrap_or_default(),
        first_registered: first.id.to_string(),
        a: head(&a, ra),
        b: head(&b, rb),
        rows,
        why,
        history,
        done,
        error_step: String::new(),
        error: String::new(),
        reason: String::new(),
    })
}

impl ComparePage {
    /// The page's status message key, translated, for a status code.
    pub fn status_text(&self) -> String {
        self.chrome.t(&format!("dup-status-{}", self.status))
    }
    /// True when the form of `step` failed and shows the error.
    pub fn failed(&self, step: &str) -> bool {
        self.error_step == step && !self.error.is_empty()
    }
    /// The reason typed into the form of `step`, when it failed.
    pub fn typed(&self, step: &str) -> &str {
        if self.error_step == step {
            &self.reason
        } else {
            ""
        }
    }
}

async fn compare(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Query(q): Query<CompareQuery>) -> Response {
    match compare_page(&s, &pr, &id, q.done.as_deref()).await {
        Ok(p) => render(&p, StatusCode::OK),
        Err(e) => page_error_in(pr.locale, e),
    }
}

/// A decision form.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    version: Option<String>,
    reason: Option<String>,
    survivor: Option<String>,
}

async fn act(s: AppState, pr: Principal, id: String, f: DecisionForm, step: Step, name: &'static str) -> Response {
    let tr = Tr::new(pr.locale);
    let reason = f.reason.clone().unwrap_or_default();
    let result = async {
        let version = f.version.as_deref().map(str::trim).unwrap_or("").parse::<i64>().map_err(|_| ApiError::field("version", "invalid_version", "reload the page: the form lacks the pair's version"))?;
        let survivor = match f.survivor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(p) => Some(p.parse::<PersonId>().map_err(|_| ApiError::field("survivor", "invalid_survivor", "choose which record survives"))?),
        };
        decide_on(&s, &pr, &id, version, &reason, survivor, step).await
    }
    .await;
    match result {
        Ok(d) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/duplicates/{}?done={name}", d.id))]).into_response(),
        Err(e) => {
            let (status, detail) = e.parts();
            if status == StatusCode::NOT_FOUND || status.is_server_error() {
                return page_error_in(pr.locale, e);
            }
            let message = match (status, detail.fields.first().map(|f| f.code)) {
                (StatusCode::CONFLICT, _) => tr.t("dup-err-conflict"),
                (_, Some("reason_required" | "empty_reason")) => tr.t("dup-err-reason"),
                (_, Some("reason_too_long")) => tr.t("dup-err-reason-long"),
                _ if detail.code == "duplicate_status" => format!("{} ({})", tr.t("dup-err-status"), detail.message),
                _ => detail.message,
            };
            match compare_page(&s, &pr, &id, None).await {
                Ok(mut p) => {
                    p.error_step = name.to_string();
                    p.error = message;
                    p.reason = reason;
                    render(&p, status)
                }
                Err(e) => page_error_in(pr.locale, e),
            }
        }
    }
}

async fn dismiss(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(f): Form<DecisionForm>) -> Response {
    act(s, pr, id, f, Step::Dismiss, "dismiss").await
}

async fn confirm(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(f): Form<DecisionForm>) -> Response {
    act(s, pr, id, f, Step::Confirm, "confirm").await
}

async fn merge(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(f): Form<DecisionForm>) -> Response {
    act(s, pr, id, f, Step::Merge, "merge").await
}

async fn unmerge(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(f): Form<DecisionForm>) -> Response {
    act(s, pr, id, f, Step::Unmerge, "unmerge").await
}
