//! Durable solutions over the API, on SQLite and PostgreSQL: resettlement quotas and submissions
//! (quota exceeded, non-refugees and illegal steps refused with what to do), departures of a
//! voluntary repatriation for the participants still allowed on the day, who may see what, records
//! out of scope answering 404, and the statistics flows counting the departures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::Request;
use chrono::{Datelike, TimeZone, Utc};
use nansen_domain::access::{Role, Roles, Username};
use nansen_store::accounts::{AccessEntry, NewUser, OperationScope};
use nansen_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{family, App};
use tower::ServiceExt;

const RST: Option<&str> = Some("resettlement_officer");
const SPO: Option<&str> = Some("senior_protection_officer");

async fn send(app: &App, method: &str, path: &str, token: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let req = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}"));
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(serde_json::to_vec(b).unwrap())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (StatusCode::from_u16(status.as_u16()).unwrap(), serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Gives every member of `hh` derivative refugee status (as a senior protection officer would record it).
async fn recognise_household(app: &App, hh: &Value) {
    let pa = hh["members"][0]["id"].clone();
    for m in hh["members"].as_array().unwrap() {
        let record = json!({"screening": {"kind": "not_screened"}, "derivative": {"principal": pa, "claim": "01900000-0000-7000-8000-0000000000aa", "status": {"status": "derivative_refugee"}}});
        let (st, v) = app.put(&format!("/api/v1/persons/{}/protection", m["id"].as_str().unwrap()), SPO, &json!({"version": 0, "record": record})).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "refugee");
    }
}

fn ids(hh: &Value) -> Vec<String> {
    hh["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect()
}

fn column_sum(t: &Value, col: &str) -> u64 {
    t["rows"].as_array().unwrap().iter().filter(|r| r["origin"] == "Total" && r["sex"] == "Total" && r["age_bracket"] == "Total").map(|r| r[col].as_u64().unwrap_or(0)).sum()
}

async fn user_of_another_operation(app: &App, op: &str, role: Role) -> String {
    let entry = AccessEntry { at: Utc::now(), actor: "test".into(), action: "user.create".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
    let user = app
        .state
        .accounts
        .create_user(
            NewUser {
                username: Username::parse("elsewhere.officer").unwrap(),
                display_name: "Elsewhere".into(),
                password_hash: "x".into(),
                roles: Roles::parse(&[role]).unwrap(),
                operations: OperationScope::Only(vec![op.parse().unwrap()]),
                affiliation: None,
                assigned_only: false,
            },
            entry.clone(),
        )
        .await
        .unwrap();
    let token = nansen_server::auth::new_api_token();
    app.state.accounts.create_token(user.id, "t", &nansen_server::auth::token_hash(&token), None, entry).await.unwrap();
    token
}

async fn resettlement_against_a_quota(db: &TestDb) {
    let app = App::new(db).await;
    *app.now.lock().unwrap() = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let op = app.operation("JOR-AMM", "JOR").await;
    let hh = family(&app, &op).await;
    recognise_household(&app, &hh).await;
    let m = ids(&hh);
    let (_, other) = app.post(&format!("/api/v1/operations/{op}/persons"), None, &json!({"given_name": "Omar", "sex": "M", "citizenship": "SYR"})).await;
    let asylum_seeker = other["members"][0]["id"].as_str().unwrap().to_string();
    let year = app.today().year();
    let quotas = format!("/api/v1/operations/{op}/resettlement-quotas");
    let subs = format!("/api/v1/operations/{op}/resettlement-submissions");

    // Quotas: set by a senior protection officer, read by the resettlement officer.
    let (st, e) = app.put(&format!("{quotas}/CAN/{year}"), RST, &json!({"version": 0, "places": 2})).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    let (st, e) = app.put(&format!("{quotas}/JOR/{year}"), SPO, &json!({"version": 0, "places": 2})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("third State"), "{e}");
    let (st, q) = app.put(&format!("{quotas}/CAN/{year}"), SPO, &json!({"version": 0, "places": 2, "note": "2025 pledge"})).await;
    assert_eq!(st, StatusCode::OK, "{q}");
    assert_eq!((q["version"].as_i64(), q["places"].as_u64(), q["remaining"].as_u64()), (Some(1), Some(2), Some(2)));

    // A person without refugee status is refused, named, with what to do.
    let (st, e) = app.post(&subs, RST, &json!({"country": "CAN", "persons": [asylum_seeker]})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "not_eligible");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains(&asylum_seeker) && msg.contains("refugee status") && msg.contains("complete status determination"), "{msg}");
    let (st, _) = app.post(&format!("/api/v1/persons/{asylum_seeker}/claims"), None, &json!({"track": "regular"})).await;
    assert_eq!(st, StatusCode::CREATED);

    // The whole household: three persons, two places — the acceptance is refused with the numbers.
    let (st, all) = app.post(&subs, RST, &json!({"country": "CAN", "household_id": hh["id"]})).await;
    assert_eq!(st, StatusCode::CREATED, "{all}");
    assert_eq!(all["persons"].as_array().unwrap().len(), 3);
    assert_eq!(all["allowed_actions"], json!(["accept", "reject", "withdraw"]));
    let all_id = all["id"].as_str().unwrap();
    let (st, e) = app.post(&format!("/api/v1/resettlement-submissions/{all_id}/accept"), RST, &json!({"version": 1})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "quota_exceeded");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("CAN") && msg.contains("2 places") && msg.contains("0 already used") && msg.contains("2 left"), "{msg}");
    let (st, w) = app.post(&format!("/api/v1/resettlement-submissions/{all_id}/withdraw"), SPO, &json!({"version": 1, "reason": "Resubmitted as two persons within the quota."})).await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(w["status"], "withdrawn");
    // An illegal step names the state and what is allowed.
    let (st, e) = app.post(&format!("/api/v1/resettlement-submissions/{all_id}/accept"), RST, &json!({"version": 2})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "illegal_transition");
    assert!(e["error"]["message"].as_str().unwrap().contains("withdrawn"), "{e}");

    let (st, two) = app.post(&subs, RST, &json!({"country": "CAN", "persons": [m[0], m[1]], "note": "Medical needs, priority."})).await;
    assert_eq!(st, StatusCode::CREATED, "{two}");
    let two_id = two["id"].as_str().unwrap().to_string();
    app.advance(30);
    let (st, a) = app.post(&format!("/api/v1/resettlement-submissions/{two_id}/accept"), RST, &json!({"version": 1})).await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!((a["status"].as_str(), a["quota_year"].as_i64()), (Some("accepted"), Some(i64::from(year))));
    let (_, qs) = app.call("GET", &quotas, RST, None).await;
    assert_eq!((qs[0]["used"].as_u64(), qs[0]["remaining"].as_u64()), (Some(2), Some(0)));
    let (st, e) = app.post(&format!("/api/v1/resettlement-submissions/{two_id}/reject"), RST, &json!({"version": 2, "reason": "Too late."})).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("illegal_transition")));
    let (st, e) = app.post(&format!("/api/v1/resettlement-submissions/{two_id}/accept"), RST, &json!({"version": 1})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");

    // Departures, per person with the day; a date in the future is refused.
    app.advance(20);
    let today = app.today();
    let tomorrow = today.succ_opt().unwrap();
    let (st, e) = app.post(&format!("/api/v1/resettlement-submissions/{two_id}/depart"), RST, &json!({"version": 2, "departures": [{"person": m[0], "departed_on": tomorrow}]})).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("departure_in_future")), "{e}");
    let (st, d) = app.post(&format!("/api/v1/resettlement-submissions/{two_id}/depart"), RST, &json!({"version": 2, "departures": [{"person": m[0], "departed_on": today}, {"person": m[1], "departed_on": today}]})).await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!((d["status"].as_str(), d["version"].as_i64()), (Some("departed"), Some(3)));
    let (_, h) = app.call("GET", &format!("/api/v1/resettlement-submissions/{two_id}/history"), RST, None).await;
    let kinds: Vec<&str> = h.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["resettlement_submitted", "resettlement_accepted", "resettlement_departed"]);
    let (_, page) = app.call("GET", &format!("{subs}?status=withdrawn"), RST, None).await;
    assert_eq!(page["total"], 1, "{page}");

    // Who sees what: supervision reads; the administrator and the host State's liaison do not; a
    // user of another operation gets the same 404 as for a submission that does not exist.
    let path = format!("/api/v1/resettlement-submissions/{two_id}");
    assert_eq!(app.call("GET", &path, Some("unhcr_supervisor"), None).await.0, StatusCode::OK);
    assert_eq!(app.call("GET", &path, Some("host_state_liaison"), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call("POST", &subs, Some("protection_officer"), Some(&json!({"country": "CAN", "persons": [m[2]]}))).await.0, StatusCode::FORBIDDEN);
    let admin = app.token(None, true).await;
    assert_eq!(send(&app, "GET", &path, &admin, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, "GET", &quotas, &admin, None).await.0, StatusCode::FORBIDDEN);
    let elsewhere = app.operation("KEN-KAK", "KEN").await;
    let outsider = user_of_another_operation(&app, &elsewhere, Role::ResettlementOfficer).await;
    let (a, va) = send(&app, "GET", &path, &outsider, None).await;
    let (b, vb) = send(&app, "GET", "/api/v1/resettlement-submissions/01900000-0000-7000-8000-000000000000", &outsider, None).await;
    assert_eq!((a, b), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{va}");
    assert_eq!(va["error"]["code"], vb["error"]["code"]);
    let (st, _) = send(&app, "POST", &format!("{path}/withdraw"), &outsider, Some(&json!({"version": 3, "reason": "x"}))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = send(&app, "POST", &format!("/api/v1/operations/{elsewhere}/resettlement-submissions"), &outsider, Some(&json!({"country": "CAN", "persons": [m[2]]}))).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "a person of another operation is not found");

    // The flows of the period count the two resettlement departures.
    let stat = support::token_for(&app.state, "the.statistician", &[Role::Statistician], None).await;
    let (st, f) = send(&app, "GET", &format!("/api/v1/operations/{op}/statistics/flows?from={}-01-01&to={today}&disclosure=internal", year), &stat, None).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(column_sum(&f, "resettlement_departures"), 2, "{f}");
}

async fn repatriation_departs_only_allowed_participants(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("UGA-KYA", "UGA").await;
    let hh = family(&app, &op).await;
    let m = ids(&hh);
    let today = app.today().to_string();
    let consent = |who: &str| json!({"given_by": who, "recorded_on": today, "recorded_by": "protection.officer", "informed_of_conditions": true});
    let interview = json!({"on": today, "interviewed_by": "protection.officer", "conducted_individually": true, "free_of_coercion": true});
    // The spouse's "consent" was given by the principal applicant: refused for her.
    let body = json!({"request": {"destination": "SYR", "participants": [
        {"kind": "adult", "person": m[0], "consent": consent(&m[0]), "interview": interview},
        {"kind": "adult", "person": m[1], "consent": consent(&m[0]), "interview": interview},
        {"kind": "child", "person": m[2], "guardian": m[0], "guardian_consent": consent(&m[0]), "best_interests_assessed": false}
    ]}});
    let (st, r) = app.post(&format!("/api/v1/operations/{op}/repatriations"), None, &body).await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    assert_eq!(r["version"], 1);
    let id = r["id"].as_str().unwrap().to_string();
    let depart = format!("/api/v1/repatriations/{id}/depart");
    app.advance(3);
    let today = app.today();

    assert_eq!(app.post(&depart, Some("registration_clerk"), &json!({"version": 1, "departed_on": today})).await.0, StatusCode::FORBIDDEN);
    let (st, e) = app.post(&depart, Some("protection_officer"), &json!({"version": 1, "departed_on": today.succ_opt().unwrap()})).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("departure_in_future")), "{e}");
    let (st, d) = app.post(&depart, Some("protection_officer"), &json!({"version": 1, "departed_on": today})).await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!(d["departed"], json!([m[0], m[2]]));
    let spouse = d["verdicts"].as_array().unwrap().iter().find(|v| v["person"] == m[1]).unwrap();
    assert_eq!(spouse["allowed"], false);
    let codes: Vec<&str> = spouse["refusals"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["refused_when_requested", "consent_not_given_by_the_person"]);
    assert!(spouse["refusals"][0]["reason"].as_str().unwrap().contains("new repatriation request"), "{spouse}");
    let (_, back) = app.get(&format!("/api/v1/repatriations/{id}")).await;
    assert_eq!((back["version"].as_i64(), back["departed"].as_array().unwrap().len()), (Some(2), 2), "{back}");
    // Nobody left may depart: refused with the reasons, nothing recorded.
    let (st, e) = app.post(&depart, Some("protection_officer"), &json!({"version": 2, "departed_on": today})).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("nobody_departed")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains(&m[1]), "{e}");
    let (_, again) = app.get(&format!("/api/v1/repatriations/{id}")).await;
    assert_eq!(again["version"], 2);
    // Out of scope: the same 404 as a repatriation that does not exist.
    let elsewhere = app.operation("KEN-KAK", "KEN").await;
    let outsider = user_of_another_operation(&app, &elsewhere, Role::ProtectionOfficer).await;
    let (a, _) = send(&app, "POST", &depart, &outsider, Some(&json!({"version": 2, "departed_on": today}))).await;
    assert_eq!(a, StatusCode::NOT_FOUND);
    // The returns are counted in the flows.
    let stat = support::token_for(&app.state, "the.statistician", &[Role::Statistician], None).await;
    let (st, f) = send(&app, "GET", &format!("/api/v1/operations/{op}/statistics/flows?from=2000-01-01&to={today}&disclosure=internal"), &stat, None).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(column_sum(&f, "voluntary_returns"), 2, "{f}");
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
on_both!(resettlement_against_a_quota, repatriation_departs_only_allowed_participants);
