//! Staff pages of removals: the requests in the user's operations, the form to request the removal
//! of one or more persons (named one by one, by identifier or by their household's case number),
//! and each request with the non-refoulement guard's verdict for every person, its reasons and
//! their legal sources. There is no group-level decision and no override: a refused person is
//! shown as refused, with why. Requests and executions go through the API's own functions.

use crate::api::load_household;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::pages::{page_error_in, render, Chrome};
use crate::pages_rsd::{code, key_part, tcode, user_operations};
use crate::protection_api::{execute_removal_of, load_removal, request_removal_of};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use nansen_domain::access::Permission;
use nansen_domain::convention::guard::RemovalKind;
use nansen_domain::{CaseNumber, Iso3, PersonId};
use nansen_store::{EvaluationRecord, Queues, RemovalStatus, RemovalView, Store, StoreError};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Routes of the removal pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/removals", get(removals_list).post(request))
        .route("/removals/{id}", get(removal_page))
        .route("/removals/{id}/execute", post(execute))
}

const KINDS: [RemovalKind; 4] = [RemovalKind::Removal, RemovalKind::Deportation, RemovalKind::Extradition, RemovalKind::Transfer];

/// Every refusal code of the guard (for the translation test).
#[cfg(test)]
const REFUSALS: [&str; 22] = [
    "no_protection_record",
    "not_in_request",
    "not_individually_screened",
    "no_status_determination",
    "claim_pending",
    "reopening_possible",
    "closed_as_duplicate",
    "recognised_refugee",
    "complementary_protection",
    "torture_risk",
    "return_to_country_of_origin",
    "chain_refoulement_risk",
    "identity_not_established",
    "nationality_unknown",
    "missing_informed_consent",
    "consent_not_given_by_the_person",
    "not_informed_of_conditions",
    "missing_voluntariness_interview",
    "voluntariness_not_established",
    "child_without_guardian_consent",
    "child_best_interests_not_assessed",
    "record_dated_in_future",
];

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

// ---------------------------------------------------------------------------------------------
// The list and the request form

#[derive(Deserialize)]
struct ListQuery {
    open: Option<String>,
    offset: Option<u32>,
}

struct RemovalRow {
    id: String,
    at: DateTime<Utc>,
    what: String,
    destination: String,
    evaluated: i64,
    refused: i64,
    status: String,
    executed: bool,
    requested_by: String,
}

#[derive(Template)]
#[template(path = "removals.html")]
struct RemovalsPage {
    chrome: Chrome,
    rows: Vec<RemovalRow>,
    total: i64,
    open_only: bool,
    prev: Option<String>,
    next: Option<String>,
    may_request: bool,
    operations: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
    alert: String,
}

impl RemovalsPage {
    fn v(&self, f: &str) -> &str {
        self.values.get(f).map(String::as_str).unwrap_or("")
    }
    fn err(&self, f: &str) -> Option<&str> {
        self.errors.iter().find(|(x, _)| x == f).map(|(_, m)| m.as_str())
    }
    fn desc(&self, f: &str, hint: bool) -> String {
        let mut v = Vec::new();
        if hint {
            v.push(format!("rm-{f}-hint"));
        }
        if self.err(f).is_some() {
            v.push(format!("rm-{f}-error"));
        }
        v.join(" ")
    }
}

const REMOVALS_PAGE: u32 = 50;

async fn list_page(s: &AppState, pr: &Principal, open_only: bool, offset: u32, values: HashMap<String, String>, errors: Vec<(String, String)>, alert: String) -> Result<RemovalsPage, ApiError> {
    let chrome = Chrome::of(pr);
    let tr = chrome.tr;
    let ops = user_operations(s, pr).await?;
    let ids: Vec<_> = ops.iter().map(|o| o.id).collect();
    let page = s.store.removal_requests(&ids, pr.assigned_to(), open_only, REMOVALS_PAGE, offset).await?;
    let rows = page
        .items
        .iter()
        .map(|r| RemovalRow {
            id: r.id.to_string(),
            at: r.created_at,
            what: tcode(&tr, "removal-kind", &code(&r.data.kind)),
            destination: format!("{} ({})", r.data.destination.name(), r.data.destination),
            evaluated: r.evaluated,
            refused: r.evaluated - r.allowed,
            status: tcode(&tr, "removal-status", &code(&r.data.status)),
            executed: r.data.status == RemovalStatus::Executed,
            requested_by: r.data.requested_by.clone(),
        })
        .collect();
    let open = if open_only { "1" } else { "" };
    let link = |o: u32| format!("/removals?open={open}&offset={o}");
    let mut values = values;
    if !values.contains_key("operation") && ops.len() == 1 {
        values.insert("operation".into(), ops[0].id.to_string());
    }
    Ok(RemovalsPage {
        rows,
        total: page.total,
        open_only,
        prev: (offset > 0).then(|| link(offset.saturating_sub(REMOVALS_PAGE))),
        next: (i64::from(offset) + i64::from(REMOVALS_PAGE) < page.total).then(|| link(offset + REMOVALS_PAGE)),
        may_request: pr.may(Permission::RemovalRequest),
        operations: ops.iter().map(|o| (o.id.to_string(), format!("{} — {}", o.code, o.name))).collect(),
        kinds: KINDS.iter().map(|k| (code(k), tcode(&tr, "removal-kind", &code(k)))).collect(),
        values,
        errors,
        alert,
        chrome,
    })
}

async fn removals_list(State(s): State<AppState>, pr: Principal, Query(q): Query<ListQuery>) -> Response {
    let open_only = q.open.as_deref().is_some_and(|x| !x.is_empty() && x != "0");
    match list_page(&s, &pr, open_only, q.offset.unwrap_or(0), HashMap::new(), Vec::new(), String::new()).await {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}

/// The persons named in the form: identifiers, or case numbers standing for every member of the
/// household (each still evaluated on their own). Unknown entries are field errors.
async fn named_persons(s: &AppState, pr: &Principal, raw: &str, tr: &Tr) -> Result<Vec<Uuid>, String> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for token in raw.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|t| !t.is_empty()) {
        if let Ok(id) = token.parse::<Uuid>() {
            out.push(id);
            continue;
        }
        let Ok(cn) = CaseNumber::parse(token) else {
            unknown.push(token.to_string());
            continue;
        };
        if !pr.may(Permission::RegistryRead) {
            return Err(tr.t("removal-case-number-needs-registry"));
        }
        let found = match s.store.household_by_case_number(&cn).await {
            Ok(Some(h)) => load_household(s, pr, &h.household.id.to_string()).await.ok(),
            _ => None,
        };
        match found {
            Some(h) => out.extend(h.members.iter().filter(|m| pr.disclosure(&m.details.citizenship, "person", "").is_ok()).map(|m| m.id.as_uuid())),
            None => unknown.push(token.to_string()),
        }
    }
    if !unknown.is_empty() {
        return Err(tr.t1("removal-unknown-persons", "entries", unknown.join(", ")));
    }
    if out.is_empty() {
        return Err(tr.t("removal-name-persons"));
    }
    Ok(out)
}

async fn request(State(s): State<AppState>, pr: Principal, Form(form): Form<Vec<(String, String)>>) -> Response {
    let tr = Tr::new(pr.locale);
    let values: HashMap<String, String> = form.into_iter().filter(|(k, _)| k != "csrf").collect();
    let get = |f: &str| values.get(f).map(|x| x.trim()).unwrap_or("").to_string();
    let mut errors: Vec<(String, String)> = Vec::new();
    let kind = serde_json::from_value::<RemovalKind>(serde_json::Value::String(get("kind"))).ok();
    if kind.is_none() {
        errors.push(("kind".into(), tr.t(if get("kind").is_empty() { "rsd-err-choose" } else { "rsd-err-choice" })));
    }
    if get("operation").is_empty() {
        errors.push(("operation".into(), tr.t("rsd-err-choose")));
    }
    if Iso3::parse(&get("destination")).is_err() {
        errors.push(("destination".into(), tr.t(if get("destination").is_empty() { "rsd-err-required" } else { "rsd-err-country" })));
    }
    if get("reason").is_empty() {
        errors.push(("reason".into(), tr.t("rsd-err-required")));
    }
    let persons = match named_persons(&s, &pr, &get("persons"), &tr).await {
        Ok(p) => p,
        Err(m) => {
            errors.push(("persons".into(), m));
            Vec::new()
        }
    };
    let result = match kind {
        Some(kind) if errors.is_empty() => request_removal_of(&s, &pr, &get("operation"), kind, &get("destination"), persons, &get("reason")).await,
        _ => Err(ApiError::Validation(nansen_domain::ValidationErrors::new())),
    };
    let (status, alert) = match result {
        Ok(r) => return see_other(&format!("/removals/{}", r.id)),
        Err(ApiError::Store(StoreError::NotFound { .. })) => {
            errors.push(("operation".into(), tr.t("rsd-err-choice")));
            (StatusCode::UNPROCESSABLE_ENTITY, tr.t("rsd-form-errors"))
        }
        Err(e) => {
            let (status, detail) = e.parts();
            for f in detail.fields {
                errors.push((f.field.clone(), f.message.clone()));
            }
            let alert = if errors.is_empty() { detail.message } else { tr.t("rsd-form-errors") };
            (status, alert)
        }
    };
    match list_page(&s, &pr, false, 0, values, errors, alert).await {
        Ok(p) => {
            let mut r = render(&p);
            *r.status_mut() = status;
            r
        }
        Err(e) => page_error_in(pr.locale, e),
    }
}

// ---------------------------------------------------------------------------------------------
// One request with the guard's verdicts

struct RefusalLine {
    code: String,
    title: String,
    reason: String,
    citation: String,
}

/// The guard's verdict on one person.
struct Verdict {
    person: String,
    name: String,
    original: String,
    link: bool,
    allowed: bool,
    refusals: Vec<RefusalLine>,
    at: DateTime<Utc>,
    removed: bool,
}

#[derive(Template)]
#[template(path = "removal.html")]
struct RemovalPage {
    chrome: Chrome,
    id: String,
    version: i64,
    what: String,
    destination: String,
    reason: String,
    requested_by: String,
    at: DateTime<Utc>,
    status: String,
    executed: bool,
    summary: String,
    request: Vec<Verdict>,
    execution: Vec<Verdict>,
    may_execute: bool,
    alert: String,
}

async fn verdicts(s: &AppState, pr: &Principal, evals: &[&EvaluationRecord], executed_for: &[PersonId], tr: &Tr) -> Result<Vec<Verdict>, ApiError> {
    let registry = pr.may(Permission::RegistryRead);
    let mut out = Vec::with_capacity(evals.len());
    for e in evals {
        // Names only for users who may read the registry, and never a citizen's to their State.
        let person = if registry { s.store.person(e.person_id).await? } else { None };
        let visible = person.filter(|p| pr.may_see(p));
        let refusals = e.verdict["refusals"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        let c = r["code"].as_str().unwrap_or_default().to_string();
                        RefusalLine {
                            title: tr.t(&format!("refusal-{}", key_part(&c))),
                            code: c,
                            reason: r["reason"].as_str().unwrap_or_default().to_string(),
                            citation: r["citation"].as_str().unwrap_or_default().to_string(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Verdict {
            person: e.person_id.to_string(),
            name: visible.as_ref().map(|p| p.details.latin_full_name()).unwrap_or_default(),
            original: visible.as_ref().and_then(|p| p.details.original_full_name()).unwrap_or_default(),
            link: visible.is_some(),
            allowed: e.allowed,
            refusals,
            at: e.evaluated_at,
            removed: e.phase == "execution" && executed_for.contains(&e.person_id),
        });
    }
    Ok(out)
}

async fn removal_view(s: &AppState, pr: &Principal, r: RemovalView, alert: String) -> Result<RemovalPage, ApiError> {
    let chrome = Chrome::of(pr);
    let tr = chrome.tr;
    let req: Vec<&EvaluationRecord> = r.evaluations.iter().filter(|e| e.phase == "request").collect();
    let exe: Vec<&EvaluationRecord> = r.evaluations.iter().filter(|e| e.phase == "execution").collect();
    let request = verdicts(s, pr, &req, &[], &tr).await?;
    let execution = verdicts(s, pr, &exe, &r.data.executed_for, &tr).await?;
    let executed = r.data.status == RemovalStatus::Executed;
    Ok(RemovalPage {
        id: r.id.to_string(),
        version: r.version,
        what: tcode(&tr, "removal-kind", &code(&r.data.kind)),
        destination: format!("{} ({})", r.data.destination.name(), r.data.destination),
        reason: r.data.reason.to_string(),
        requested_by: r.data.requested_by.clone(),
        at: r.created_at,
        status: tcode(&tr, "removal-status", &code(&r.data.status)),
        executed,
        summary: tr.tn(
            "removal-summary",
            &[("allowed", request.iter().filter(|v| v.allowed).count().to_string()), ("refused", request.iter().filter(|v| !v.allowed).count().to_string())],
        ),
        request,
        execution,
        may_execute: !executed && pr.may(Permission::RemovalExecute),
        alert,
        chrome,
    })
}

async fn removal_page(State(s): State<AppState>, pr: Principal, Path(id): Path<String>) -> Response {
    let r: Result<RemovalPage, ApiError> = async {
        let r = load_removal(&s, &pr, &id).await?;
        removal_view(&s, &pr, r, String::new()).await
    }
    .await;
    match r {
        Ok(p) => render(&p),
        Err(e) => page_error_in(pr.locale, e),
    }
}

async fn execute(State(s): State<AppState>, pr: Principal, Path(id): Path<String>, Form(form): Form<Vec<(String, String)>>) -> Response {
    let tr = Tr::new(pr.locale);
    let version = form.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let result = match version {
        Some(v) => execute_removal_of(&s, &pr, &id, v).await,
        None => Err(ApiError::field("version", "required", tr.t("claim-form-incomplete"))),
    };
    match result {
        Ok(r) => see_other(&format!("/removals/{}", r.id)),
        Err(e @ ApiError::Store(StoreError::NotFound { .. })) => page_error_in(pr.locale, e),
        Err(e) => {
            let (status, detail) = e.parts();
            let r: Result<RemovalPage, ApiError> = async {
                let r = load_removal(&s, &pr, &id).await?;
                removal_view(&s, &pr, r, detail.message).await
            }
            .await;
            match r {
                Ok(p) => {
                    let mut resp = render(&p);
                    *resp.status_mut() = status;
                    resp
                }
                Err(e) => page_error_in(pr.locale, e),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_refusal_kind_and_status_has_a_message() {
        let tr = Tr::new(Locale::En);
        let mut keys: Vec<String> = REFUSALS.iter().map(|c| format!("refusal-{c}")).collect();
        keys.extend(KINDS.iter().map(|k| format!("removal-kind-{}", code(k))));
        keys.extend(["evaluated", "executed"].iter().map(|k| format!("removal-status-{k}")));
        for k in keys {
            assert_ne!(tr.t(&k), k, "no English message for {k}");
        }
        // the list is the guard's: every code it serialises is here
        let refusal: nansen_domain::convention::guard::RefusalCode = serde_json::from_value(serde_json::json!("claim_pending")).unwrap();
        assert!(REFUSALS.contains(&code(&refusal).as_str()));
    }
}
