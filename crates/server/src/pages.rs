//! Server-rendered staff pages: small HTML, no JavaScript needed, one stylesheet served by Nansen.

use crate::api::{load_household, load_person, redact_events, scoped_search, search_query, SearchParams};
use crate::auth::Principal;
use nansen_domain::access::{Permission, Role as StaffRole};
use crate::error::ApiError;
use crate::i18n::{Locale, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use nansen_domain::{EntityKind, Event};
use nansen_store::{HouseholdView, PersonRecord, Store};

/// Page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/persons/{id}", get(person))
        .route("/households/{id}", get(household))
        .route("/households/{id}/assignments", axum::routing::post(assign))
        .route("/assignments/{id}/end", axum::routing::post(end_assignment))
        .route("/static/app.css", get(css))
        .route("/language", get(crate::i18n::set_language))
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], include_str!("../static/app.css")).into_response()
}

/// A person row as pages show it.
pub struct PersonLine {
    id: String,
    household_id: String,
    latin: String,
    original: String,
    sex: &'static str,
    dob: Option<nansen_domain::PartialDate>,
    citizenship: String,
    relationship: &'static str,
    version: i64,
}

impl From<&PersonRecord> for PersonLine {
    fn from(p: &PersonRecord) -> Self {
        let d = &p.details;
        Self {
            id: p.id.to_string(),
            household_id: p.household_id.to_string(),
            latin: d.latin_full_name(),
            original: d.original_full_name().unwrap_or_default(),
            sex: d.sex.code(),
            dob: d.date_of_birth,
            citizenship: d.citizenship.to_text(),
            relationship: p.relationship.code(),
            version: p.version,
        }
    }
}

/// A history entry as pages show it.
pub struct EventLine {
    at: chrono::DateTime<chrono::Utc>,
    actor: String,
    kind: &'static str,
    reason: String,
    changes: String,
}

impl From<&Event> for EventLine {
    fn from(e: &Event) -> Self {
        let changes = e.data["changes"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c["field"].as_str()).collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        Self {
            at: e.at,
            actor: e.actor.clone(),
            kind: e.kind.as_str(),
            reason: e.reason.clone().unwrap_or_default(),
            changes,
        }
    }
}

struct OperationLine {
    code: String,
    name: String,
    country: String,
    households: i64,
    persons: i64,
    id: String,
}

/// What every page's frame shows: who is signed in, the token its sign-out form carries, and the
/// language it speaks (templates translate through its `t` method with a message key).
#[derive(Default)]
pub struct Chrome {
    pub(crate) user: String,
    pub(crate) csrf: String,
    pub(crate) tr: Tr,
    pub(crate) perms: Vec<Permission>,
}

impl Chrome {
    /// The frame for a signed-in user, in their language.
    pub(crate) fn of(p: &Principal) -> Self {
        let perms = nansen_domain::access::PERMISSIONS.into_iter().filter(|x| p.may(*x)).collect();
        Self { user: p.user.display_name.clone(), csrf: p.csrf().to_string(), tr: Tr::new(p.locale), perms }
    }
    /// True when the user holds the permission named `name` (`registry_write`, …): templates
    /// show only the links and buttons the user may use (the server checks again on use).
    pub fn may(&self, name: &str) -> bool {
        self.perms.iter().any(|p| p.as_str() == name)
    }
    /// The frame for a page seen before signing in.
    pub(crate) fn anonymous(locale: Locale) -> Self {
        Self { tr: Tr::new(locale), ..Self::default() }
    }
    /// Translated text.
    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }
    /// Translated text with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tr.t1(key, name, value)
    }
    /// The translation of a code: `tk("sex", "F")` is the message `sex-F`.
    pub fn tk(&self, prefix: &str, code: &str) -> String {
        self.tr.t(&format!("{prefix}-{code}"))
    }
    /// A whole number in the user's language.
    pub fn num(&self, n: &i64) -> String {
        self.tr.number(*n)
    }
    /// A possibly partial date in the user's language.
    pub fn pdate(&self, d: Option<&nansen_domain::PartialDate>) -> String {
        d.map(|d| self.tr.date_parts(d.day(), d.month(), d.year())).unwrap_or_default()
    }
    /// A moment in the user's language.
    pub fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.tr.datetime(*at)
    }
    /// `lang` attribute.
    pub fn lang(&self) -> &'static str {
        self.tr.locale.code()
    }
    /// `dir` attribute.
    pub fn dir(&self) -> &'static str {
        self.tr.locale.dir()
    }
    /// The language menu: (code, name in itself, is current).
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        Locale::ALL.iter().map(|l| (l.code(), l.native_name(), *l == self.tr.locale)).collect()
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    queues: Vec<Queue>,
    operations: Vec<OperationLine>,
}

/// One work queue of the home page: how many items wait, and the first few.
struct Queue {
    id: &'static str,
    title: String,
    hint: String,
    count: i64,
    /// The count is a lower bound (the read was capped).
    at_least: bool,
    items: Vec<QueueItem>,
    more: Option<(String, String)>,
}

struct QueueItem {
    href: String,
    label: String,
    original: String,
    detail: String,
}

/// Items listed per queue on the home page.
const QUEUE_ITEMS: u32 = 5;

/// The signed-in user's work queues, by what their roles let them do, in their operations. Each
/// queue is one count and one page of at most [`QUEUE_ITEMS`] rows.
async fn work_queues(s: &AppState, pr: &Principal, ops: &[nansen_domain::OperationId], tr: &Tr) -> Result<Vec<Queue>, ApiError> {
    use nansen_domain::convention::procedure::{ActionKind as A, ProcedureRules, Stage, StageKind as K};
    use nansen_store::{Duplicates, Queues};
    let mut out = Vec::new();
    let roles = pr.user.roles.procedure_roles();
    // A queue is shown to the staff roles whose work it is, when the procedure lets them take its step.
    let takes = |a: A, whose: &[StaffRole]| pr.may(Permission::ClaimAct) && whose.iter().any(|r| pr.has_role(*r)) && roles.iter().any(|r| r.may_take(a));
    let claim_item = |l: crate::pages_rsd::ClaimLine| QueueItem {
        href: format!("/claims/{}", l.id),
        label: l.person.latin,
        original: l.person.original,
        detail: if l.due.is_empty() { l.stage } else { format!("{} · {}", l.stage, l.due) },
    };
    if pr.may(Permission::ClaimRead) {
        use StaffRole as R;
        let defs: [(&'static str, &[K], A, &[StaffRole]); 7] = [
            ("queue-to-register", &[K::Lodged, K::RegisteredForRsd], A::ScheduleInterview, &[R::RegistrationClerk, R::SeniorProtectionOfficer]),
            ("queue-awaiting-interview", &[K::InterviewScheduled], A::RecordInterview, &[R::EligibilityOfficer, R::SeniorProtectionOfficer]),
            ("queue-to-assess", &[K::Interviewed], A::DraftAssessment, &[R::EligibilityOfficer, R::SeniorProtectionOfficer]),
            ("queue-to-review", &[K::AssessmentDrafted], A::Review, &[R::Reviewer, R::SeniorProtectionOfficer]),
            ("queue-to-decide", &[K::Reviewed], A::Decide, &[R::EligibilityOfficer, R::SeniorProtectionOfficer]),
            ("queue-to-notify", &[K::Decided, K::AppealDecided], A::Notify, &[R::RegistrationClerk, R::SeniorProtectionOfficer]),
            ("queue-appeals", &[K::AppealLodged], A::DecideAppeal, &[R::AppealOfficer, R::SeniorProtectionOfficer]),
        ];
        for (id, stages, action, whose) in defs {
            if !takes(action, whose) {
                continue;
            }
            let page = s.store.claims_in_stages(ops, pr.assigned_to(), stages, false, QUEUE_ITEMS, 0).await?;
            let lines = crate::pages_rsd::claim_lines(s, pr, &page.items, tr).await?;
            let filter = stages.iter().map(crate::pages_rsd::code).collect::<Vec<_>>().join(",");
            out.push(Queue {
                id,
                title: tr.t(id),
                hint: tr.t(&format!("{id}-hint")),
                count: page.total,
                at_least: false,
                more: (page.total > i64::from(QUEUE_ITEMS)).then(|| (format!("/claims?stage={filter}"), tr.t1("queue-all", "count", page.total))),
                items: lines.into_iter().map(claim_item).collect(),
            });
        }
        // Appeal windows closing within a week: notified decisions whose deadline is between today
        // and seven days from now. The deadline is in the sealed state, so the candidates are the
        // decisions notified within the longest appeal window.
        let rules = ProcedureRules::default();
        let window = i64::from(rules.appeal_window_days.max(rules.accelerated_appeal_window_days));
        let now = s.now();
        let today = now.date_naive();
        let week = today + chrono::Duration::days(7);
        let cap = nansen_store::MAX_QUEUE_PAGE;
        let candidates = s.store.claims_notified_since(ops, pr.assigned_to(), now - chrono::Duration::days(window + 1), cap).await?;
        let mut due: Vec<(chrono::NaiveDate, nansen_store::ClaimRecord)> = candidates
            .iter()
            .filter_map(|c| match c.state.stage() {
                Stage::Notified { appeal_deadline: Some(d), .. } if *d >= today && *d <= week => Some((*d, c.clone())),
                _ => None,
            })
            .collect();
        due.sort_by_key(|(d, _)| *d);
        let count = due.len() as i64;
        let first: Vec<_> = due.iter().take(QUEUE_ITEMS as usize).map(|(_, c)| c.clone()).collect();
        let lines = crate::pages_rsd::claim_lines(s, pr, &first, tr).await?;
        out.push(Queue {
            id: "queue-appeal-deadlines",
            title: tr.t("queue-appeal-deadlines"),
            hint: tr.t("queue-appeal-deadlines-hint"),
            count,
            at_least: candidates.len() as u32 >= cap,
            more: (count > i64::from(QUEUE_ITEMS)).then(|| ("/claims?stage=notified".to_string(), tr.t("queue-all-notified"))),
            items: lines.into_iter().map(claim_item).collect(),
        });
    }
    if pr.may(Permission::DuplicateReview) {
        let mut count = 0;
        for op in ops {
            count += s.store.duplicates(*op, pr.assigned_to(), Some(nansen_store::DuplicateStatus::Open), 1, 0).await?.total;
        }
        out.push(Queue {
            id: "queue-duplicates",
            title: tr.t("queue-duplicates"),
            hint: tr.t("queue-duplicates-hint"),
            count,
            at_least: false,
            items: Vec::new(),
            more: Some(("/duplicates".to_string(), tr.t("queue-duplicates-open"))),
        });
    }
    if pr.may(Permission::RemovalRead) {
        let page = s.store.removal_requests(ops, pr.assigned_to(), true, QUEUE_ITEMS, 0).await?;
        out.push(Queue {
            id: "queue-removals",
            title: tr.t("queue-removals"),
            hint: tr.t("queue-removals-hint"),
            count: page.total,
            at_least: false,
            more: (page.total > i64::from(QUEUE_ITEMS)).then(|| ("/removals?open=1".to_string(), tr.t1("queue-all", "count", page.total))),
            items: page
                .items
                .iter()
                .map(|r| QueueItem {
                    href: format!("/removals/{}", r.id),
                    label: tr.tn(
                        "removal-line",
                        &[("kind", crate::pages_rsd::tcode(tr, "removal-kind", &crate::pages_rsd::code(&r.data.kind))), ("destination", r.data.destination.to_string())],
                    ),
                    original: String::new(),
                    detail: tr.tn("removal-tally", &[("persons", r.evaluated.to_string()), ("refused", (r.evaluated - r.allowed).to_string())]),
                })
                .collect(),
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    name: String,
    case_number: String,
    document_number: String,
    operation: String,
    rows: Vec<PersonLine>,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    error: String,
}

#[derive(Template)]
#[template(path = "person.html")]
pub(crate) struct PersonPage {
    chrome: Chrome,
    /// The person's claims and status, for users who may read claims.
    claims: Option<PersonClaims>,
    restricted_needs: usize,
    p: PersonLine,
    place_of_birth: String,
    languages: String,
    documents: Vec<(String, String, String)>,
    needs: Vec<(String, &'static str)>,
    case_number: String,
    members: Vec<PersonLine>,
    events: Vec<EventLine>,
}

/// A running assignment of a case, as the household page shows it.
struct AssignmentLine {
    id: String,
    username: String,
    since: String,
    by: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    chrome: Chrome,
    id: String,
    case_number: String,
    version: i64,
    arrival: String,
    address: String,
    members: Vec<PersonLine>,
    events: Vec<EventLine>,
    /// The user may assign the case (`case_assign`); only then are assignments shown.
    may_assign: bool,
    assignments: Vec<AssignmentLine>,
    /// What went wrong with the last assignment form, and what was typed.
    assign_error: String,
    username: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    message: String,
}

/// Renders a page (a template failure is logged and answers 500).
pub(crate) fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response()
        }
    }
}

/// An error page in the user's language.
pub(crate) fn page_error_in(locale: Locale, e: ApiError) -> Response {
    let (status, detail) = e.parts();
    if status.is_server_error() {
        tracing::error!(error = %e, "page failed");
    }
    let mut r = render(&ErrorPage { chrome: Chrome::anonymous(locale), status: status.as_u16(), message: detail.message });
    *r.status_mut() = status;
    r
}

async fn home(State(s): State<AppState>, pr: Principal) -> Response {
    let r: Result<_, ApiError> = async {
        let mut operations = Vec::new();
        let ops = crate::pages_rsd::user_operations(&s, &pr).await?;
        let ids: Vec<_> = ops.iter().map(|o| o.id).collect();
        let queues = work_queues(&s, &pr, &ids, &Tr::new(pr.locale)).await?;
        for o in ops {
            let c = s.store.counts(o.id).await?;
            operations.push(OperationLine {
                code: o.code.to_string(),
                name: o.name.to_string(),
                country: o.country.name().to_string(),
                households: c.households,
                persons: c.persons,
                id: o.id.to_string(),
            });
        }
        Ok(HomePage { chrome: Chrome::of(&pr), queues, operations })
    }
    .await;
    match r {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}

async fn search(State(s): State<AppState>, pr: Principal, Query(p): Query<SearchParams>) -> Response {
    let mut page = SearchPage {
        chrome: Chrome::of(&pr),
        name: p.name.clone().unwrap_or_default(),
        case_number: p.case_number.clone().unwrap_or_default(),
        document_number: p.document_number.clone().unwrap_or_default(),
        operation: p.operation.clone().unwrap_or_default(),
        rows: Vec::new(),
        total: 0,
        prev: None,
        next: None,
        error: String::new(),
    };
    let q = match search_query(&p).and_then(|q| scoped_search(&pr, q)) {
        Ok(q) => q,
        Err(e) => {
            page.error = e.parts().1.message;
            let mut r = render(&page);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            return r;
        }
    };
    match s.store.search(&q).await {
        Ok(res) => {
            page.total = res.total;
            page.rows = res.items.iter().filter(|x| pr.disclosure(&x.details.citizenship, "person", "").is_ok()).map(PersonLine::from).collect();
            let link = |offset: u32| {
                let enc = |v: &str| form_urlencoded_byte_serialize(v);
                format!(
                    "/search?name={}&case_number={}&document_number={}&operation={}&offset={offset}&limit={}",
                    enc(&page.name),
                    enc(&page.case_number),
                    enc(&page.document_number),
                    enc(&page.operation),
                    q.limit
                )
            };
            if q.offset > 0 {
                page.prev = Some(link(q.offset.saturating_sub(q.limit)));
            }
            if i64::from(q.offset) + i64::from(q.limit) < res.total {
                page.next = Some(link(q.offset + q.limit));
            }
            render(&page)
        }
        Err(e) => page_error_in(pr.locale, e.into()),
    }
}

/// Percent-encodes a query value.
fn form_urlencoded_byte_serialize(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The protection section of the person page: status, claims, and the form to lodge one.
pub(crate) struct PersonClaims {
    status: String,
    pending: bool,
    lines: Vec<crate::pages_rsd::ClaimLine>,
    may_lodge: bool,
    tracks: Vec<(&'static str, String)>,
    track: String,
    note: String,
    error: String,
}

async fn person(State(s): State<AppState>, pr: Principal, Path(id): Path<String>) -> Response {
    match person_page(&s, &pr, &id, None).await {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}

/// The person page; `lodge` carries the values and the error of a refused lodging form.
pub(crate) async fn person_page(s: &AppState, pr: &Principal, id: &str, lodge: Option<(std::collections::HashMap<String, String>, String)>) -> Result<PersonPage, ApiError> {
    let p = load_person(s, pr, id).await?;
    let claims = if pr.may(Permission::ClaimRead) {
        let tr = Tr::new(pr.locale);
        let (status, pending, records) = crate::protection_api::person_status(s, p.id).await?;
        let today = s.now().date_naive();
        let name = || crate::pages_rsd::PersonName::of(&p);
        let (values, error) = lodge.unwrap_or_default();
        Some(PersonClaims {
            status: status.map(|x| tr.t(&format!("person-status-{}", crate::pages_rsd::code(&x)))).unwrap_or_else(|| tr.t("person-status-none")),
            pending,
            lines: records.iter().rev().map(|c| crate::pages_rsd::ClaimLine::of(c, name(), &tr, today)).collect(),
            // A claim is lodged by someone without a pending claim and without a protection status.
            may_lodge: pr.may(Permission::ClaimAct) && !pending && status.is_none(),
            tracks: ["regular", "accelerated", "simplified", "prima_facie"].into_iter().map(|t| (t, crate::pages_rsd::tcode(&tr, "track", t))).collect(),
            track: values.get("track").cloned().unwrap_or_else(|| "regular".into()),
            note: values.get("note").cloned().unwrap_or_default(),
            error,
        })
    } else {
        None
    };
    let hh: Option<HouseholdView> = s.store.household(p.household_id).await?;
    let events = redact_events(s.store.history(EntityKind::Person, p.id.as_uuid()).await?, pr);
    let d = &p.details;
    let sensitive_ok = pr.may(Permission::SensitiveRead);
    Ok(PersonPage {
        chrome: Chrome::of(pr),
        claims,
        restricted_needs: if sensitive_ok { 0 } else { d.specific_needs.iter().filter(|n| n.is_sensitive()).count() },
        p: PersonLine::from(&p),
        place_of_birth: [d.place_of_birth.as_ref().map(|x| x.to_string()), d.country_of_birth.map(|c| c.name().to_string())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        languages: d.languages.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "),
        documents: d
            .documents
            .iter()
            .map(|x| {
                (
                    serde_json::to_value(x.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                    x.number.to_string(),
                    x.issuing_country.map(|c| c.to_string()).unwrap_or_default(),
                )
            })
            .collect(),
        needs: d.specific_needs.iter().filter(|n| sensitive_ok || !n.is_sensitive()).map(|n| (n.to_string(), n.description())).collect(),
        case_number: hh.as_ref().map(|h| h.household.case_number.to_string()).unwrap_or_default(),
        members: hh.as_ref().map(|h| h.members.iter().filter(|m| pr.disclosure(&m.details.citizenship, "person", "").is_ok()).map(PersonLine::from).collect()).unwrap_or_default(),
        events: events.iter().map(EventLine::from).collect(),
    })
}

async fn household(State(s): State<AppState>, pr: Principal, Path(id): Path<String>) -> Response {
    match household_page(&s, &pr, &id).await {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}

async fn household_page(s: &AppState, pr: &Principal, id: &str) -> Result<HouseholdPage, ApiError> {
    let v = load_household(s, pr, id).await?;
    let events = redact_events(s.store.history(EntityKind::Household, v.household.id.as_uuid()).await?, pr);
    let h = &v.household;
    let tr = Tr::new(pr.locale);
    let may_assign = pr.may(Permission::CaseAssign);
    let assignments = if may_assign {
        crate::assignment_api::assignments_of(s, h.id)
            .await?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| AssignmentLine {
                id: a.id.to_string(),
                username: a.username,
                since: chrono::DateTime::parse_from_rfc3339(&a.assigned_at).map(|d| tr.date(d.date_naive())).unwrap_or(a.assigned_at),
                by: a.assigned_by,
                reason: a.reason,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(HouseholdPage {
        may_assign,
        assignments,
        assign_error: String::new(),
        username: String::new(),
        reason: String::new(),
        chrome: Chrome::of(pr),
        id: h.id.to_string(),
        case_number: h.case_number.to_string(),
        version: h.version,
        arrival: h.details.arrival_date.map(|d| Tr::new(pr.locale).date(d)).unwrap_or_default(),
        address: h.details.address.as_ref().map(|a| a.to_string()).unwrap_or_default(),
        members: v.members.iter().map(PersonLine::from).collect(),
        events: events.iter().map(EventLine::from).collect(),
    })
}

/// The household page's assignment forms.
#[derive(serde::Deserialize)]
struct AssignForm {
    username: Option<String>,
    reason: Option<String>,
}

async fn assign(State(s): State<AppState>, pr: Principal, ip: crate::account_api::ClientIp, Path(id): Path<String>, axum::Form(f): axum::Form<AssignForm>) -> Response {
    let req = crate::assignment_api::AssignRequest { username: f.username.unwrap_or_default(), reason: f.reason.unwrap_or_default() };
    match crate::assignment_api::assign_case(&s, &pr, &ip, &id, &req).await {
        Ok(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/households/{id}#assignments"))]).into_response(),
        Err(e) => household_with_error(&s, &pr, &id, e, req.username, req.reason).await,
    }
}

async fn end_assignment(State(s): State<AppState>, pr: Principal, ip: crate::account_api::ClientIp, Path(id): Path<String>, axum::Form(f): axum::Form<AssignForm>) -> Response {
    let reason = f.reason.unwrap_or_default();
    match crate::assignment_api::end_assignment(&s, &pr, &ip, &id, &reason).await {
        Ok(a) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/households/{}#assignments", a.household_id))]).into_response(),
        Err(e) => match s.accounts.assignment(id.parse().unwrap_or_default()).await {
            Ok(Some(a)) if e.parts().0 != StatusCode::NOT_FOUND => household_with_error(&s, &pr, &a.household_id.to_string(), e, String::new(), String::new()).await,
            _ => page_error_in(pr.locale, e),
        },
    }
}

/// The household page again, with what was wrong in an assignment form and what was typed.
async fn household_with_error(s: &AppState, pr: &Principal, household: &str, e: ApiError, username: String, reason: String) -> Response {
    let (status, detail) = e.parts();
    if status == StatusCode::NOT_FOUND || status.is_server_error() {
        return page_error_in(pr.locale, e);
    }
    let message = detail.fields.first().map(|f| f.message.clone()).unwrap_or(detail.message);
    match household_page(s, pr, household).await {
        Ok(mut p) => {
            p.assign_error = message;
            p.username = username;
            p.reason = reason;
            let mut r = render(&p);
            *r.status_mut() = status;
            r
        }
        Err(e) => page_error_in(pr.locale, e),
    }
}
