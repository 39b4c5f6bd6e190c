//! Server-rendered staff pages: small HTML, no JavaScript needed, one stylesheet served by Nansen.

use crate::api::{load_household, load_person, redact_events, scoped_search, search_query, SearchParams};
use crate::auth::Principal;
use nansen_domain::access::Permission;
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
    operations: Vec<OperationLine>,
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
struct PersonPage {
    chrome: Chrome,
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
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    message: String,
}

fn render<T: Template>(t: &T) -> Response {
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
        for o in s.store.operations().await?.into_iter().filter(|o| pr.user.operations.includes(o.id)) {
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
        Ok(HomePage { chrome: Chrome::of(&pr), operations })
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

async fn person(State(s): State<AppState>, pr: Principal, Path(id): Path<String>) -> Response {
    let r: Result<PersonPage, ApiError> = async {
        let p = load_person(&s, &pr, &id).await?;
        let hh: Option<HouseholdView> = s.store.household(p.household_id).await?;
        let events = redact_events(s.store.history(EntityKind::Person, p.id.as_uuid()).await?, &pr);
        let d = &p.details;
        let sensitive_ok = pr.may(Permission::SensitiveRead);
        Ok(PersonPage {
            chrome: Chrome::of(&pr),
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
    .await;
    match r {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}

async fn household(State(s): State<AppState>, pr: Principal, Path(id): Path<String>) -> Response {
    let r: Result<HouseholdPage, ApiError> = async {
        let v = load_household(&s, &pr, &id).await?;
        let events = redact_events(s.store.history(EntityKind::Household, v.household.id.as_uuid()).await?, &pr);
        let h = &v.household;
        Ok(HouseholdPage {
            chrome: Chrome::of(&pr),
            id: h.id.to_string(),
            case_number: h.case_number.to_string(),
            version: h.version,
            arrival: h.details.arrival_date.map(|d| Tr::new(pr.locale).date(d)).unwrap_or_default(),
            address: h.details.address.as_ref().map(|a| a.to_string()).unwrap_or_default(),
            members: v.members.iter().map(PersonLine::from).collect(),
            events: events.iter().map(EventLine::from).collect(),
        })
    }
    .await;
    match r {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}
