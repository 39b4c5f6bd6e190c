//! The registration page: a whole household in one form, without JavaScript.
//!
//! The first submit parses everything into domain types through the API's own parsers
//! ([`NewHousehold::parse`]). If anything is wrong the form comes back with everything that was
//! typed, each wrong field marked and a summary at the top; nothing is saved. If it is valid, every
//! member is checked against the operation's duplicate-check index
//! ([`crate::duplicates_api::check_members`]). Likely duplicates are shown under the member they
//! concern, and the household is saved only when the user chooses "save as a new household anyway";
//! the registration then records, as its reason, that the user saw them, and they are queued for
//! review exactly as the API queues the likely duplicates of a registration. Without candidates the
//! household is saved at once. Saving goes through [`crate::api::register`], the API's path.

use crate::api::{meta, operation_exists};
use crate::auth::Principal;
use crate::duplicates_api::{check_members, DuplicateMatchDto, FieldContributionDto};
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::pages::{page_error_in, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::{RawForm, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use nansen_domain::person::SPECIFIC_NEEDS;
use nansen_domain::household::MAX_MEMBERS;
use nansen_domain::person::DocumentInput;
use nansen_domain::{HouseholdInput, Iso3, MemberInput, NewHousehold, PersonId, PersonInput, Relationship};
use nansen_store::Store;
use std::collections::BTreeMap;

/// Page routes of registration.
pub fn routes() -> Router<AppState> {
    Router::new().route("/register", get(form).post(submit))
}

/// Member blocks on a fresh form.
pub const FIRST_ROWS: usize = 6;
/// Member blocks added by "add more rows".
pub const MORE_ROWS: usize = 3;
/// Identity-document rows per member.
pub const DOC_ROWS: usize = 2;

/// Document kinds, as the domain names them.
const DOC_KINDS: [&str; 9] =
    ["passport", "national_id", "birth_certificate", "marriage_certificate", "family_book", "refugee_certificate", "asylum_seeker_certificate", "travel_document", "other"];

/// The text fields of one member block (the form field is `m{index}.{name}`).
const MEMBER_FIELDS: [&str; 13] = [
    "relationship",
    "given_name",
    "family_name",
    "given_name_original",
    "family_name_original",
    "sex",
    "dob_year",
    "dob_month",
    "dob_day",
    "citizenship",
    "place_of_birth",
    "country_of_birth",
    "languages",
];

/// Error codes with a message of their own in every language (`regerr-…`); any other code shows
/// the domain's English sentence.
pub(crate) const KNOWN_ERRORS: [&str; 26] = [
    "required",
    "empty_name",
    "name_too_long",
    "invalid_name_character",
    "not_latin_script",
    "name_without_letters",
    "invalid_sex",
    "invalid_date",
    "impossible_date",
    "date_out_of_range",
    "date_in_future",
    "invalid_country",
    "unknown_country",
    "invalid_language",
    "invalid_document_kind",
    "invalid_document_number",
    "invalid_specific_need",
    "invalid_relationship",
    "principal_applicant",
    "text_too_long",
    "invalid_text_character",
    "empty_text",
    "dob_year_required",
    "dob_month_required",
    "stateless_and_country",
    "no_operation",
];

/// The message key of an error code.
fn error_key(code: &str) -> String {
    format!("regerr-{}", code.replace('_', "-"))
}

/// The user's words for an error: the translated message of its code, else the domain's sentence.
fn error_text(tr: &Tr, code: &str, message: &str) -> String {
    if KNOWN_ERRORS.contains(&code) {
        tr.t(&error_key(code))
    } else {
        message.to_string()
    }
}

/// One category of specific needs: its top-level code first, then its sub-codes.
pub struct NeedGroup {
    /// The top-level code (`CR`, `UC`, …).
    pub code: &'static str,
    /// Every code of the category, the top-level one first.
    pub codes: Vec<&'static str>,
}

fn need_groups() -> Vec<NeedGroup> {
    let mut groups: Vec<NeedGroup> = Vec::new();
    for &(code, _) in SPECIFIC_NEEDS {
        let top = code.split('-').next().unwrap_or(code);
        match groups.iter_mut().find(|g| g.code == top) {
            Some(g) => g.codes.push(code),
            None => groups.push(NeedGroup { code: top, codes: vec![code] }),
        }
    }
    groups
}

/// True for the needs shown only to roles with the sensitive-read permission.
fn sensitive(code: &str) -> bool {
    nansen_domain::person::SpecificNeed::parse(code).is_ok_and(|n| n.is_sensitive())
}

/// One identity-document row of a member block, as typed.
pub struct DocRow {
    /// Row number within the member.
    pub row: usize,
    /// Kind (one of [`DOC_KINDS`], or empty).
    pub kind: String,
    /// Number.
    pub number: String,
    /// Issuing country.
    pub issuing_country: String,
}

impl DocRow {
    /// True when the row's kind is `k`.
    pub fn is_kind(&self, k: &str) -> bool {
        self.kind.trim() == k
    }
}

/// A likely duplicate shown under a member.
pub struct CandidateLine {
    /// The registered person's identifier.
    pub id: String,
    /// Name, Latin letters.
    pub name: String,
    /// Name in the original script.
    pub original: String,
    /// Date of birth.
    pub dob: Option<nansen_domain::PartialDate>,
    /// Citizenship text.
    pub citizenship: String,
    /// Case number of their household.
    pub case_number: String,
    /// Household.
    pub household_id: String,
    /// Match probability as a whole percentage.
    pub percent: i64,
    /// Why: each field's agreement and weight.
    pub why: Vec<WhyLine>,
}

/// One field's contribution to a match, as pages show it.
pub struct WhyLine {
    /// The field's name, translated.
    pub field: String,
    /// Its agreement level, translated.
    pub level: String,
    /// Its weight (log2 Bayes factor), signed, one decimal.
    pub weight: String,
    /// `for`, `against` or `neutral`.
    pub class: &'static str,
}

impl WhyLine {
    /// One line of an engine's explanation, in the user's language.
    pub(crate) fn of(tr: &Tr, field: &str, level: &str, weight: f64) -> Self {
        let (level_text, swapped) = match level.strip_suffix(", given and family name swapped") {
            Some(l) => (l, true),
            None => (level, false),
        };
        let mut level = match LEVELS.iter().find(|(l, _)| *l == level_text) {
            Some((_, key)) => tr.t(&format!("dup-level-{key}")),
            None => level_text.to_string(),
        };
        if swapped {
            level = format!("{level} · {}", tr.t("dup-level-swapped"));
        }
        let field = if FIELDS.contains(&field) { tr.t(&format!("dup-field-{}", field.replace('_', "-"))) } else { field.to_string() };
        let class = if weight > 0.05 {
            "for"
        } else if weight < -0.05 {
            "against"
        } else {
            "neutral"
        };
        Self { field, level, weight: signed(tr, weight), class }
    }
}

/// A signed weight with one decimal, with the language's decimal sign (`+7.8`, `+7,8`).
pub(crate) fn signed(tr: &Tr, w: f64) -> String {
    let s = format!("{w:+.1}");
    match tr.locale {
        crate::i18n::Locale::Fr | crate::i18n::Locale::Es => s.replace('.', ","),
        _ => s,
    }
}

/// Fields the matching engine compares.
pub(crate) const FIELDS: [&str; 8] = ["given_name", "surname", "date_of_birth", "sex", "place_of_birth", "citizenship", "document_number", "address"];

/// The engine's agreement levels and their message keys (`dup-level-…`).
pub(crate) const LEVELS: [(&str, &str); 21] = [
    ("exact (after transliteration and variant folding)", "exact-name"),
    ("close (Jaro-Winkler >= 0.94, or same phonetic key and >= 0.80)", "close-name"),
    ("same phonetic key", "phonetic"),
    ("similar (Jaro-Winkler >= 0.85)", "similar-name"),
    ("different", "different"),
    ("same full date", "same-date"),
    ("day and month swapped", "day-month-swapped"),
    ("one digit off", "digit-off"),
    ("same day and month, one year apart", "same-day-month"),
    ("same year and month", "same-year-month"),
    ("same year (a partial date)", "same-year-partial"),
    ("same year, different month or day", "same-year"),
    ("one year apart", "year-apart"),
    ("same", "same"),
    ("similar", "similar"),
    ("shared", "shared"),
    ("one character off", "char-off"),
    ("mostly shared words", "mostly-shared"),
    ("some shared words", "some-shared"),
    ("missing", "missing"),
    ("?", "unknown"),
];

/// One member block as typed, with its errors and likely duplicates.
pub struct MemberForm {
    /// Position on the form (0 is the principal applicant).
    pub idx: usize,
    vals: BTreeMap<&'static str, String>,
    /// "Stateless" ticked.
    pub stateless: bool,
    /// Document rows.
    pub docs: Vec<DocRow>,
    /// Ticked specific needs.
    pub needs: Vec<String>,
    /// Errors by field (`given_name`, `doc0-number`, `needs`, …).
    errors: BTreeMap<String, String>,
    /// Likely duplicates of this member.
    pub candidates: Vec<CandidateLine>,
}

impl MemberForm {
    fn blank(idx: usize) -> Self {
        Self {
            idx,
            vals: BTreeMap::new(),
            stateless: false,
            docs: (0..DOC_ROWS).map(|row| DocRow { row, kind: String::new(), number: String::new(), issuing_country: String::new() }).collect(),
            needs: Vec::new(),
            errors: BTreeMap::new(),
            candidates: Vec::new(),
        }
    }

    fn read(idx: usize, f: &FormData) -> Self {
        let mut m = Self::blank(idx);
        for name in MEMBER_FIELDS {
            m.vals.insert(name, f.get(&format!("m{idx}.{name}")).to_string());
        }
        m.stateless = !f.get(&format!("m{idx}.stateless")).is_empty();
        for d in &mut m.docs {
            d.kind = f.get(&format!("m{idx}.doc{}.kind", d.row)).to_string();
            d.number = f.get(&format!("m{idx}.doc{}.number", d.row)).to_string();
            d.issuing_country = f.get(&format!("m{idx}.doc{}.issuing_country", d.row)).to_string();
        }
        m.needs = f.all(&format!("m{idx}.needs"));
        m
    }

    /// A typed value.
    pub fn val(&self, name: &str) -> &str {
        self.vals.get(name).map(|s| s.trim()).unwrap_or("")
    }

    /// The error of a field, if any.
    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    /// The error of a document row's field.
    pub fn doc_err(&self, d: &DocRow, part: &str) -> Option<&str> {
        self.err(&format!("doc{}-{part}", d.row))
    }

    /// True when `code` is ticked.
    pub fn has_need(&self, code: &&str) -> bool {
        self.needs.iter().any(|n| n == code)
    }

    /// True when the field `name` holds `value` (for selected options).
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.val(name) == value
    }

    /// True for the principal applicant's block.
    pub fn is_pa(&self) -> bool {
        self.idx == 0
    }

    /// True when nothing was typed in this block (a dependant's block left empty is not a member).
    fn is_blank(&self) -> bool {
        self.vals.values().all(|v| v.trim().is_empty())
            && !self.stateless
            && self.needs.is_empty()
            && self.docs.iter().all(|d| d.number.trim().is_empty() && d.issuing_country.trim().is_empty())
    }

    fn set_err(&mut self, name: String, message: String) {
        self.errors.entry(name).or_insert(message);
    }

    /// The raw input of this member (the shape of the API), and which form row each document came from.
    fn input(&mut self, tr: &Tr) -> (MemberInput, Vec<usize>) {
        let text = |v: &str| Some(v.trim().to_string()).filter(|s| !s.is_empty());
        let (y, mo, d) = (self.val("dob_year").to_string(), self.val("dob_month").to_string(), self.val("dob_day").to_string());
        let date_of_birth = match (y.is_empty(), mo.is_empty(), d.is_empty()) {
            (true, true, true) => None,
            (true, _, _) => {
                self.set_err("dob_year".into(), error_text(tr, "dob_year_required", ""));
                None
            }
            (false, true, false) => {
                self.set_err("dob_month".into(), error_text(tr, "dob_month_required", ""));
                None
            }
            (false, true, true) => Some(y),
            (false, false, true) => Some(format!("{y}-{mo}")),
            (false, false, false) => Some(format!("{y}-{mo}-{}", if d.len() == 1 { format!("0{d}") } else { d })),
        };
        let citizenship = match (self.stateless, text(self.val("citizenship"))) {
            (true, Some(_)) => {
                self.set_err("citizenship".into(), error_text(tr, "stateless_and_country", ""));
                None
            }
            (true, None) => Some("stateless".to_string()),
            (false, c) => c,
        };
        let mut rows = Vec::new();
        let mut documents = Vec::new();
        for doc in &self.docs {
            if doc.number.trim().is_empty() && doc.issuing_country.trim().is_empty() {
                continue;
            }
            rows.push(doc.row);
            documents.push(DocumentInput {
                kind: text(&doc.kind),
                number: text(&doc.number),
                issuing_country: text(&doc.issuing_country),
                expiry_date: None,
            });
        }
        let person = PersonInput {
            given_name: text(self.val("given_name")),
            family_name: text(self.val("family_name")),
            given_name_original: text(self.val("given_name_original")),
            family_name_original: text(self.val("family_name_original")),
            sex: text(self.val("sex")),
            date_of_birth,
            place_of_birth: text(self.val("place_of_birth")),
            country_of_birth: text(self.val("country_of_birth")),
            citizenship,
            languages: self.val("languages").split([',', ';', ' ']).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            documents,
            specific_needs: self.needs.clone(),
        };
        let relationship = if self.is_pa() { Some("PA".to_string()) } else { text(self.val("relationship")) };
        (MemberInput { relationship, person }, rows)
    }
}

/// The fields of a submitted form, in order.
struct FormData(Vec<(String, String)>);

impl FormData {
    fn parse(bytes: &[u8]) -> Self {
        Self(form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }
    fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }
    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// One line of the error summary: the field's id and what is wrong.
pub struct ErrorLine {
    /// The id of the field (the link's target).
    pub target: String,
    /// Where: "Member 2 — Date of birth".
    pub place: String,
    /// What.
    pub message: String,
}

/// The registration page.
#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    chrome: Chrome,
    operations: Vec<(String, String)>,
    operation: String,
    arrival_date: String,
    address: String,
    members: Vec<MemberForm>,
    /// Errors of household-level fields (`operation`, `arrival_date`, `address`, `members`).
    hh_errors: BTreeMap<&'static str, String>,
    summary: Vec<ErrorLine>,
    candidates: usize,
    seen: Vec<String>,
    groups: Vec<NeedGroup>,
    countries: Vec<(String, &'static str)>,
    relationships: Vec<&'static str>,
    doc_kinds: [&'static str; 9],
    months: Vec<(&'static str, &'static str)>,
    sexes: [&'static str; 4],
}

impl RegisterPage {
    /// The error of a household-level field.
    pub fn hh_err(&self, name: &str) -> Option<&str> {
        self.hh_errors.get(name).map(String::as_str)
    }
    /// True for a sensitive need code.
    pub fn is_sensitive(&self, code: &&str) -> bool {
        sensitive(code)
    }
    /// Member blocks on the form.
    pub fn rows(&self) -> usize {
        self.members.len()
    }
    /// True when more blocks may be added.
    pub fn may_add(&self) -> bool {
        self.members.len() < MAX_MEMBERS
    }

    fn new(chrome: Chrome, operations: Vec<(String, String)>) -> Self {
        let operation = operations.first().map(|o| o.0.clone()).unwrap_or_default();
        Self {
            chrome,
            operations,
            operation,
            arrival_date: String::new(),
            address: String::new(),
            members: (0..FIRST_ROWS).map(MemberForm::blank).collect(),
            hh_errors: BTreeMap::new(),
            summary: Vec::new(),
            candidates: 0,
            seen: Vec::new(),
            groups: need_groups(),
            countries: Iso3::all().map(|c| (c.to_string(), c.name())).collect(),
            relationships: Relationship::ALL.iter().map(|(_, c)| *c).filter(|c| *c != "PA").collect(),
            doc_kinds: DOC_KINDS,
            months: vec![
                ("01", "1"),
                ("02", "2"),
                ("03", "3"),
                ("04", "4"),
                ("05", "5"),
                ("06", "6"),
                ("07", "7"),
                ("08", "8"),
                ("09", "9"),
                ("10", "10"),
                ("11", "11"),
                ("12", "12"),
            ],
            sexes: ["F", "M", "X", "U"],
        }
    }
}

fn render(t: &RegisterPage, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response()
        }
    }
}

/// The user's operations as (id, "CODE — name"), by code.
async fn operations_of(s: &AppState, pr: &Principal) -> Result<Vec<(String, String)>, ApiError> {
    let mut ops: Vec<_> = s.store.operations().await?.into_iter().filter(|o| pr.user.operations.includes(o.id)).collect();
    ops.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    Ok(ops.into_iter().map(|o| (o.id.to_string(), format!("{} — {}", o.code, o.name))).collect())
}

async fn form(State(s): State<AppState>, pr: Principal) -> Response {
    match operations_of(&s, &pr).await {
        Ok(ops) => render(&RegisterPage::new(Chrome::of(&pr), ops), StatusCode::OK),
        Err(e) => page_error_in(pr.locale, e),
    }
}

/// The label of a member-level field in the error summary.
fn field_label(tr: &Tr, field: &str) -> String {
    let key = match field {
        "relationship" => "relationship",
        "given_name" => "reg-given-name",
        "family_name" => "reg-family-name",
        "given_name_original" => "reg-given-name-original",
        "family_name_original" => "reg-family-name-original",
        "sex" => "sex",
        "dob_year" | "dob_month" | "dob_day" => "date-of-birth",
        "citizenship" => "citizenship",
        "place_of_birth" => "place-of-birth",
        "country_of_birth" => "reg-country-of-birth",
        "languages" => "languages",
        "needs" => "specific-needs",
        f if f.starts_with("doc") => "documents",
        _ => "reg-member",
    };
    tr.t(key)
}

/// Where a domain error of `members[i].person.X` (or `members[i].relationship`) goes on the form:
/// the member-level field name.
fn member_field(rest: &str, doc_rows: &[usize]) -> String {
    if rest == "relationship" {
        return "relationship".into();
    }
    let Some(p) = rest.strip_prefix("person.") else { return "given_name".into() };
    if p == "date_of_birth" {
        return "dob_year".into();
    }
    if p.starts_with("languages[") {
        return "languages".into();
    }
    if p.starts_with("specific_needs[") {
        return "needs".into();
    }
    if let Some(d) = p.strip_prefix("documents[") {
        let (i, part) = d.split_once("].").unwrap_or((d, "number"));
        let row = i.parse::<usize>().ok().and_then(|i| doc_rows.get(i).copied()).unwrap_or(0);
        let part = if part == "expiry_date" { "number" } else { part };
        return format!("doc{row}-{part}");
    }
    p.to_string()
}

async fn submit(State(s): State<AppState>, pr: Principal, ip: crate::account_api::ClientIp, RawForm(body): RawForm) -> Response {
    let ops = match operations_of(&s, &pr).await {
        Ok(o) => o,
        Err(e) => return page_error_in(pr.locale, e),
    };
    let tr = Tr::new(pr.locale);
    let f = FormData::parse(&body);
    let mut page = RegisterPage::new(Chrome::of(&pr), ops);
    let rows = f.get("rows").trim().parse::<usize>().unwrap_or(FIRST_ROWS).clamp(1, MAX_MEMBERS);
    let action = f.get("action").to_string();
    let rows = if action == "more" { (rows + MORE_ROWS).min(MAX_MEMBERS) } else { rows };
    page.members = (0..rows).map(|i| MemberForm::read(i, &f)).collect();
    page.operation = f.get("operation").trim().to_string();
    page.arrival_date = f.get("arrival_date").trim().to_string();
    page.address = f.get("address").to_string();
    page.seen = f.all("seen");
    if action == "more" {
        return render(&page, StatusCode::OK);
    }

    // Parse everything: the form's own checks and the domain's, all reported together.
    let mut blocks = Vec::new(); // form block of each member given to the domain
    let mut doc_rows = Vec::new();
    let mut members = Vec::new();
    for m in page.members.iter_mut() {
        if m.idx > 0 && m.is_blank() {
            continue;
        }
        let (input, rows) = m.input(&tr);
        blocks.push(m.idx);
        doc_rows.push(rows);
        members.push(input);
    }
    let input = HouseholdInput {
        registration_key: None,
        arrival_date: Some(page.arrival_date.clone()).filter(|s| !s.is_empty()),
        address: Some(page.address.trim().to_string()).filter(|s| !s.is_empty()),
        members,
    };
    let op = match operation_exists(&s, &pr, &page.operation).await {
        Ok(op) => Some(op),
        Err(_) => {
            page.hh_errors.insert("operation", error_text(&tr, "no_operation", ""));
            None
        }
    };
    let parsed = NewHousehold::parse(&input, s.now().date_naive());
    if let Err(e) = &parsed {
        for fe in &e.errors {
            let message = error_text(&tr, fe.code, &fe.message);
            match fe.field.as_str() {
                "arrival_date" | "address" | "registration_key" | "members" => {
                    let key = match fe.field.as_str() {
                        "arrival_date" => "arrival_date",
                        "address" => "address",
                        _ => "members",
                    };
                    page.hh_errors.entry(key).or_insert(message);
                }
                f => {
                    let Some(rest) = f.strip_prefix("members[") else { continue };
                    let (i, rest) = rest.split_once("].").unwrap_or((rest, ""));
                    let Some(k) = i.parse::<usize>().ok() else { continue };
                    let (Some(block), Some(rows)) = (blocks.get(k), doc_rows.get(k)) else { continue };
                    let field = member_field(rest, rows);
                    if let Some(m) = page.members.get_mut(*block) {
                        m.set_err(field, message);
                    }
                }
            }
        }
    }
    summarise(&mut page, &tr);
    let (Some(op), Ok(household), true) = (op, parsed, page.summary.is_empty()) else {
        return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
    };

    // Valid: the duplicate check, member by member, before anything is saved.
    let address = household.details.address.as_ref().map(|a| a.to_string());
    let details: Vec<_> = household.members.iter().map(|(_, d)| d.clone()).collect();
    let found = match check_members(&s, op, &details, address.as_deref()).await {
        Ok((found, _)) => found,
        Err(e) => return page_error_in(pr.locale, e),
    };
    let found = match visible(&s, &pr, &tr, found).await {
        Ok(f) => f,
        Err(e) => return page_error_in(pr.locale, e),
    };
    let unseen = found.iter().any(|(_, c)| !page.seen.contains(&c.id));
    if !found.is_empty() && (action != "save_anyway" || unseen) {
        page.seen.clear();
        for (_, c) in &found {
            if !page.seen.contains(&c.id) {
                page.seen.push(c.id.clone());
            }
        }
        page.candidates = page.seen.len();
        for (member, c) in found {
            if let Some(m) = blocks.get(member).and_then(|b| page.members.get_mut(*b)) {
                m.candidates.push(c);
            }
        }
        return render(&page, StatusCode::OK);
    }

    // Save: the API's path, with the warning the user saw kept as the registration's reason.
    let reason = (!found.is_empty()).then(|| {
        let mut cases: Vec<&str> = Vec::new();
        for (_, c) in &found {
            if !cases.contains(&c.case_number.as_str()) {
                cases.push(&c.case_number);
            }
        }
        // The reason stays well within its length limit however many candidates were shown.
        let more = cases.len().saturating_sub(20);
        cases.truncate(20);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        format!("Saved as a new household after the duplicate check showed {} likely duplicate(s) (case {}{more}).", found.len(), cases.join(", "))
    });
    let saved = async {
        let m = meta(&s, &pr, reason.as_deref())?;
        crate::api::register(&s, &pr, op, household, m, None, &ip).await
    }
    .await;
    match saved {
        Ok((r, _)) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/households/{}", r.view.household.id))]).into_response(),
        Err(e) => page_error_in(pr.locale, e),
    }
}

/// Fills the error summary from the marked fields, in the order of the form.
fn summarise(page: &mut RegisterPage, tr: &Tr) {
    let mut out = Vec::new();
    for (name, id, key) in [("operation", "operation", "reg-operation"), ("arrival_date", "arrival_date", "reg-arrival-date"), ("address", "address", "address"), ("members", "m0", "members")] {
        if let Some(e) = page.hh_errors.get(name) {
            out.push(ErrorLine { target: id.into(), place: tr.t(key), message: e.clone() });
        }
    }
    for m in &page.members {
        let who = if m.is_pa() { tr.t("reg-principal-applicant") } else { tr.t1("reg-member-n", "n", m.idx + 1) };
        let mut fields: Vec<(&String, &String)> = m.errors.iter().collect();
        let order = |f: &str| MEMBER_FIELDS.iter().position(|x| *x == f).unwrap_or(if f == "needs" { 99 } else { 50 });
        fields.sort_by_key(|(f, _)| order(f));
        for (f, e) in fields {
            let target = if f == "needs" { format!("m{}-needs", m.idx) } else { format!("m{}-{f}", m.idx) };
            out.push(ErrorLine { target, place: format!("{who} — {}", field_label(tr, f)), message: e.clone() });
        }
    }
    page.summary = out;
}

/// The likely duplicates the user may see (never a person of the State they act for), with what the
/// page shows of each; `member` is the position among the submitted members.
async fn visible(s: &AppState, pr: &Principal, tr: &Tr, found: Vec<DuplicateMatchDto>) -> Result<Vec<(usize, CandidateLine)>, ApiError> {
    let mut out = Vec::new();
    for d in found {
        let Some(p) = s.store.person(PersonId::from_uuid(d.candidate_id)).await? else { continue };
        if !pr.may_see(&p) {
            continue;
        }
        out.push((
            d.member,
            CandidateLine {
                id: p.id.to_string(),
                name: p.details.latin_full_name(),
                original: p.details.original_full_name().unwrap_or_default(),
                dob: p.details.date_of_birth,
                citizenship: p.details.citizenship.to_text(),
                case_number: d.case_number.clone(),
                household_id: p.household_id.to_string(),
                percent: (d.score * 100.0).round() as i64,
                why: why_lines(tr, &d.explanation),
            },
        ));
    }
    Ok(out)
}

fn why_lines(tr: &Tr, e: &[FieldContributionDto]) -> Vec<WhyLine> {
    e.iter().map(|c| WhyLine::of(tr, &c.field, &c.level, c.weight)).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_code_and_level_has_a_message_in_every_language() {
        let mut keys: Vec<String> = KNOWN_ERRORS.iter().map(|c| error_key(c)).collect();
        keys.extend(LEVELS.iter().map(|(_, k)| format!("dup-level-{k}")));
        keys.extend(FIELDS.iter().map(|f| format!("dup-field-{}", f.replace('_', "-"))));
        keys.extend(SPECIFIC_NEEDS.iter().map(|(c, _)| format!("need-{c}")));
        keys.extend(DOC_KINDS.iter().map(|k| format!("regdoc-{k}")));
        keys.push("dup-level-swapped".into());
        for l in Locale::ALL {
            let tr = Tr::new(l);
            for k in &keys {
                assert_ne!(tr.t(k), *k, "{}: no message {k}", l.code());
            }
        }
    }

    #[test]
    fn the_engine_levels_are_all_known() {
        for f in nansen_matching::Field::ALL {
            assert!(FIELDS.contains(&f.name()), "{}", f.name());
            for l in f.levels() {
                assert!(LEVELS.iter().any(|(x, _)| x == l), "level {l:?} of {} has no message", f.name());
            }
        }
    }

    #[test]
    fn domain_paths_land_on_form_fields() {
        assert_eq!(member_field("person.date_of_birth", &[]), "dob_year");
        assert_eq!(member_field("person.documents[0].number", &[1]), "doc1-number");
        assert_eq!(member_field("person.languages[2]", &[]), "languages");
        assert_eq!(member_field("relationship", &[]), "relationship");
        assert_eq!(member_field("person.given_name", &[]), "given_name");
    }

    #[test]
    fn needs_are_grouped_by_category() {
        let g = need_groups();
        assert_eq!(g.iter().map(|g| g.codes.len()).sum::<usize>(), SPECIFIC_NEEDS.len());
        assert!(g.iter().all(|g| g.codes[0] == g.code));
        assert!(g.iter().any(|g| g.code == "UC" && g.codes == ["UC", "UC-UM", "UC-US"]));
    }
}
