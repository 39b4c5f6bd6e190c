//! The declared policy table, checked route by route and role by role against the real router, on
//! both backends; and need-to-know: records outside a user's operations, or of a citizen of the State
//! a user acts for, answer 404 exactly like records that do not exist.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use nansen_domain::access::{Role, Roles, Username, ROLES};
use nansen_server::policy::{allows, Need, POLICY};
use nansen_store::accounts::{AccessEntry, NewUser, OperationScope};
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use support::App;
use tower::ServiceExt;

async fn send(app: &App, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(serde_json::to_vec(b).unwrap())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

struct Ids {
    op: String,
    person: String,
    household: String,
    claim: String,
}

async fn fixtures(app: &App) -> Ids {
    let op = app.operation("UGA-KYA", "UGA").await;
    let (st, hh) = app
        .post(
            &format!("/api/v1/operations/{op}/persons"),
            None,
            &json!({"given_name": "Deng", "family_name": "Garang", "sex": "M", "date_of_birth": "1985", "citizenship": "SSD", "specific_needs": ["SM-CI", "WR"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{hh}");
    let person = hh["members"][0]["id"].as_str().unwrap().to_string();
    let household = hh["id"].as_str().unwrap().to_string();
    let (st, c) = app.post(&format!("/api/v1/persons/{person}/claims"), None, &json!({"track": "regular"})).await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    Ids { op, person, household, claim: c["id"].as_str().unwrap().to_string() }
}

fn concrete(path: &str, ids: &Ids) -> String {
    path.replace("{operation_id}", &ids.op)
        .replace("{op}", &ids.op)
        .replace("{query}", "series")
        .replace("{country}", "UGA")
        .replace("{year}", "2026")
        .replace("/persons/{id}", &format!("/persons/{}", ids.person))
        .replace("/households/{id}", &format!("/households/{}", ids.household))
        .replace("/claims/{id}", &format!("/claims/{}", ids.claim))
        .replace("{id}", "01900000-0000-7000-8000-000000000000")
}

async fn every_route_for_every_role(db: TestDb) {
    let app = App::new(&db).await;
    let ids = fixtures(&app).await;
    let mut checked = 0;
    for role in ROLES {
        let token = support::token_for(&app.state, &format!("walk.{}", role.as_str().replace('_', "-")), &[role], None).await;
        for rule in POLICY {
            let path = concrete(rule.path, &ids);
            let body = (rule.method != "GET").then(|| json!({}));
            let (st, v) = send(&app, rule.method, &path, Some(&token), body.as_ref()).await;
            if allows(rule, role) {
                assert!(st != StatusCode::FORBIDDEN && st != StatusCode::UNAUTHORIZED, "{role} was refused {} {} ({st}): {v}", rule.method, rule.path);
            } else {
                assert_eq!(st, StatusCode::FORBIDDEN, "{role} was not refused {} {}: {v}", rule.method, rule.path);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROLES.len() * POLICY.len());
    // Without a token: public routes answer, every other route asks for sign-in.
    for rule in POLICY {
        let path = concrete(rule.path, &ids);
        let body = (rule.method != "GET").then(|| json!({}));
        let (st, _) = send(&app, rule.method, &path, None, body.as_ref()).await;
        match rule.need {
            Need::Public => assert!(st != StatusCode::UNAUTHORIZED && st != StatusCode::FORBIDDEN, "{} {} is public but answered {st}", rule.method, rule.path),
            _ if path.starts_with("/api/") => assert_eq!(st, StatusCode::UNAUTHORIZED, "{} {}", rule.method, rule.path),
            _ => assert!(st == StatusCode::SEE_OTHER || st == StatusCode::FORBIDDEN, "{} {} answered {st} without sign-in", rule.method, rule.path),
        }
    }
}

/// Every path in the OpenAPI document is in the policy table (nothing is served without a rule;
/// the middleware would answer 404, and this keeps the document and the table in step).
async fn the_document_and_the_table_agree(db: TestDb) {
    let app = App::new(&db).await;
    let (_, doc) = send(&app, "GET", "/api/openapi.json", None, None).await;
    // Every reference in the document resolves (clients and schema-driven testers need all of them).
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| {
                if k == "$ref" {
                    out.push(x.as_str().unwrap().to_string());
                } else {
                    refs(x, out);
                }
            }),
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(doc["components"]["schemas"].get(name).is_some(), "the document refers to {r}, which it does not define");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = method.to_uppercase();
            assert!(POLICY.iter().any(|r| r.path == path && r.method == m), "{m} {path} is documented but has no rule in the policy table");
        }
    }
}

async fn records_out_of_scope_answer_404(db: TestDb) {
    let app = App::new(&db).await;
    let ids = fixtures(&app).await;
    let other = app.operation("KEN-KAK", "KEN").await;
    let entry = AccessEntry { at: chrono::Utc::now(), actor: "test".into(), action: "user.create".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
    let user = app
        .state
        .accounts
        .create_user(
            NewUser {
                username: Username::parse("kakuma.officer").unwrap(),
                display_name: "Kakuma".into(),
                password_hash: "x".into(),
                roles: Roles::parse(&[Role::Supervisor]).unwrap(),
                operations: OperationScope::Only(vec![other.parse().unwrap()]),
                affiliation: None,
                assigned_only: false,
            },
            entry.clone(),
        )
        .await
        .unwrap();
    let token = nansen_server::auth::new_api_token();
    app.state.accounts.create_token(user.id, "t", &nansen_server::auth::token_hash(&token), None, entry).await.unwrap();
    let missing = "01900000-0000-7000-8000-000000000000";
    for (existing, absent) in [
        (format!("/api/v1/persons/{}", ids.person), format!("/api/v1/persons/{missing}")),
        (format!("/api/v1/households/{}", ids.household), format!("/api/v1/households/{missing}")),
        (format!("/api/v1/claims/{}", ids.claim), format!("/api/v1/claims/{missing}")),
        (format!("/api/v1/persons/{}/history", ids.person), format!("/api/v1/persons/{missing}/history")),
        (format!("/api/v1/persons/{}/protection", ids.person), format!("/api/v1/persons/{missing}/protection")),
    ] {
        let (a, va) = send(&app, "GET", &existing, Some(&token), None).await;
        let (b, vb) = send(&app, "GET", &absent, Some(&token), None).await;
        assert_eq!(a, StatusCode::NOT_FOUND, "{existing} is outside the user's operations: {va}");
        assert_eq!(b, StatusCode::NOT_FOUND);
        assert_eq!(va["error"]["code"], vb["error"]["code"], "the answers tell an existing record from a missing one");
    }
    // Their operation list and searches show only their operation.
    let (_, ops) = send(&app, "GET", "/api/v1/operations", Some(&token), None).await;
    assert_eq!(ops.as_array().unwrap().len(), 1);
    assert_eq!(ops[0]["id"], other.as_str());
    let (_, found) = send(&app, "GET", "/api/v1/persons?name=deng", Some(&token), None).await;
    assert_eq!(found["total"], 0, "{found}");
    let (st, _) = send(&app, "GET", &format!("/api/v1/persons?name=deng&operation={}", ids.op), Some(&token), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

async fn a_state_never_sees_its_own_citizens(db: TestDb) {
    let app = App::new(&db).await;
    let ids = fixtures(&app).await; // the person is a citizen of South Sudan
    let ssd = support::token_for(&app.state, "ssd.liaison", &[Role::HostStateLiaison], Some("SSD")).await;
    let uga = support::token_for(&app.state, "uga.liaison", &[Role::HostStateLiaison], Some("UGA")).await;
    let path = format!("/api/v1/persons/{}/status", ids.person);
    let (st, v) = send(&app, "GET", &path, Some(&uga), None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["holds_protection_status"], false);
    assert_eq!(v["claim_pending"], true);
    assert_eq!(v.as_object().unwrap().len(), 3, "the status answer tells only the status: {v}");
    let (st, _) = send(&app, "GET", &path, Some(&ssd), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "the country of origin learned of a refugee");
    // and the liaison never reads the person or the claim
    for p in [format!("/api/v1/persons/{}", ids.person), format!("/api/v1/claims/{}", ids.claim)] {
        let (st, _) = send(&app, "GET", &p, Some(&uga), None).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
}

async fn sensitive_fields_need_their_permission(db: TestDb) {
    let app = App::new(&db).await;
    let ids = fixtures(&app).await;
    let clerk = support::token_for(&app.state, "plain.clerk", &[Role::RegistrationClerk], None).await;
    let officer = support::token_for(&app.state, "an.officer", &[Role::EligibilityOfficer], None).await;
    let path = format!("/api/v1/persons/{}", ids.person);
    let (_, as_clerk) = send(&app, "GET", &path, Some(&clerk), None).await;
    assert_eq!(as_clerk["person"]["specific_needs"], json!(["WR"]));
    assert_eq!(as_clerk["restricted_needs"], 1);
    let (_, as_officer) = send(&app, "GET", &path, Some(&officer), None).await;
    assert_eq!(as_officer["person"]["specific_needs"], json!(["SM-CI", "WR"]));
    let (_, hist) = send(&app, "GET", &format!("{path}/history"), Some(&clerk), None).await;
    assert!(!hist.to_string().contains("SM-CI"), "the history leaked a health need: {hist}");
    // a clerk's correction keeps the needs they could not see
    let mut person = as_clerk["person"].clone();
    person["family_name"] = json!("Garang Deng");
    let (st, v) = send(&app, "PUT", &path, Some(&clerk), Some(&json!({"version": as_clerk["version"], "reason": "Spelling corrected from the ID card.", "person": person}))).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (_, after) = send(&app, "GET", &path, Some(&officer), None).await;
    let mut needs: Vec<String> = serde_json::from_value(after["person"]["specific_needs"].clone()).unwrap();
    needs.sort();
    assert_eq!(needs, ["SM-CI", "WR"], "a correction by a clerk lost a need they could not see");
    // reads of personal data are in the access log, with who and what
    let log = app.state.accounts.access_log(1000).await.unwrap();
    assert!(log.iter().any(|e| e.entry.actor == "plain.clerk" && e.entry.action == "GET /api/v1/persons/{id}" && e.entry.target == path));
    assert!(log.iter().any(|e| e.entry.actor == "plain.clerk" && e.entry.action == "PUT /api/v1/persons/{id}" && e.entry.outcome == 200));
    assert!(log.iter().all(|e| !e.entry.target.contains("Garang")), "personal data in the access log");
    assert_eq!(app.state.accounts.verify_access_log().await.unwrap().first_break, None);
}

on_both_backends!(every_route_for_every_role);
on_both_backends!(the_document_and_the_table_agree);
on_both_backends!(records_out_of_scope_answer_404);
on_both_backends!(a_state_never_sees_its_own_citizens);
on_both_backends!(sensitive_fields_need_their_permission);
